import { OWNERSHIP_TAG } from '../core/tag-names';
import { type AccessRules, accessTagKeys, groupTagName } from '../core/access-rules';
import { type RunAsGuard, runAsSessionDeny } from '../core/run-as-guard';
import { launchTaggerRoleArn } from '../core/launch-tagger-names';
import {
  type PolicyConditions,
  type PolicyDocument,
  type PolicyStatement,
  policyDocument,
} from '../core/policy-document';

/**
 * The session access policy as data: pure functions from the access rules to typed statements.
 * The construct (session-access-policy.ts) renders them; the benchmark sizes them without a stack.
 */

export { OWNERSHIP_TAG };

/** Session documents Session Manager owns (account part of their ARN is empty). */
export const SESSION_DOCUMENTS = {
  /** The account's preferences document; every shell session, console ones included, uses it. */
  shell: 'SSM-SessionManagerRunShell',
  ssh: 'AWS-StartSSHSession',
  portForwarding: ['AWS-StartPortForwardingSession', 'AWS-StartPortForwardingSessionToRemoteHost'],
} as const;

/** What the console's Session Manager and EC2 pages read. */
export const CONSOLE_READ_ACTIONS = [
  'ec2:DescribeInstances',
  'ssm:DescribeInstanceInformation',
  'ssm:DescribeSessions',
  'ssm:GetConnectionStatus',
  'ssm:DescribeInstanceProperties',
] as const;

export interface SessionAccessInput {
  readonly accountId: string;
  /** Regions whose instances, documents and sessions the policy covers. */
  readonly regions: readonly string[];
  readonly rules: AccessRules;
  readonly sshEnabled: boolean;
  readonly portForwardingEnabled: boolean;
  /** Session encryption keys (ARNs or Terraform references); none means no KMS statement. */
  readonly sessionKmsKeyArns: readonly string[];
  /**
   * Just-in-time mode: no `ssm:StartSession` at all, the access request statements instead.
   *
   * @default - standing mode: the match rules allow `ssm:StartSession`
   */
  readonly justInTime?: JustInTimeAccessInput;
  /**
   * OS users the `SSMSessionRunAs` principal tag may not name: `ssm:StartSession` is denied to a
   * principal whose tag names one of them or misses the pattern.
   *
   * @default - `root`, `ssm-user` and `DEFAULT_DENIED_RUN_AS_USERS` refused; no pattern
   */
  readonly runAsGuard?: RunAsGuard;
}

/** What the requester statements of just-in-time mode need to know. */
export interface JustInTimeAccessInput {
  /** Names of the manual approval documents (per region) whose approval workflows a request starts. */
  readonly manualApprovalDocumentNames: readonly string[];
  /**
   * Further instance tags that decide approvals (the restricted-instance exclusion, deny-access and
   * manual approval targets): the tag Deny covers them too, or removing `Restricted` from an
   * instance would make it auto-approved.
   */
  readonly approvalTagKeys: readonly string[];
  /**
   * Keep the standing `ssm:StartSession` statements beside the requester statements: the step
   * between the two modes, where people try requests and can still open sessions directly.
   *
   * @default false
   */
  readonly keepStandingSessions?: boolean;
  /**
   * Add the Identity Store look-ups the console makes for Identity Center users (who requests,
   * who approves). A SAML-federated role has no Identity Store identity to look up.
   *
   * @default false
   */
  readonly identityStoreReads?: boolean;
}

/** Stable statement ids; tests, the access report and plan diffs refer to statements by them. */
export const SIDS = {
  consoleRead: 'ConsoleRead',
  owner: 'StartSessionOnOwnInstances',
  attributes: (group: number) => (group === 1 ? 'StartSessionByAttributes' : `StartSessionByAttributes${group}`),
  principalTagOwner: 'StartSessionOnInstancesCreatedByCaller',
  documents: 'StartSessionWithAllowedDocuments',
  ownSessions: 'ResumeAndTerminateOwnSessions',
  kms: 'GenerateSessionDataKey',
  denyTagKeys: 'DenyAccessTagChanges',
  denyOtherRegions: 'DenySessionsOutsideTheRegions',
  denyRequestTag: 'DenyOwnershipTagAtLaunch',
  denyDeleteAllTags: 'DenyDeletingAllTags',
  // Just-in-time mode (requests instead of sessions).
  requestAccess: 'RequestJustInTimeAccess',
  accessToken: 'GetAccessTokenOfRequests',
  manualApproval: 'StartManualApprovalWorkflows',
  cancelRequest: 'CancelAccessRequests',
  approvalPolicies: 'ReadApprovalPolicies',
  justInTimeConsoleRead: 'JustInTimeConsoleRead',
} as const;

/**
 * What the console's just-in-time pages read besides {@link CONSOLE_READ_ACTIONS}: AWS's requester
 * policy, without `ec2:GetPasswordData` (a Windows administrator password would bypass every
 * approval) and without the CloudFormation reads (stack outputs of the whole account).
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access-setting-up.html
 */
export const JUST_IN_TIME_CONSOLE_READ_ACTIONS = [
  'ec2:DescribeTags',
  'ssm:ListTagsForResource',
  'ssm:ListNodes',
  'ssm:ListNodesSummary',
  'ssm:ListDocuments',
  'ssm:DescribeOpsItems',
  'ssm:ListOpsItemEvents',
  'ssm:GetOpsSummary',
  'ssm-quicksetup:ListConfigurationManagers',
  'ssm-quicksetup:GetConfigurationManager',
  'ssm-quicksetup:ListConfigurations',
  'ssm-quicksetup:ListQuickSetupTypes',
  'ssm-quicksetup:GetConfiguration',
  'organizations:DescribeOrganization',
  'organizations:ListDelegatedAdministrators',
] as const;

/** The Identity Store look-ups of AWS's requester policy: for Identity Center users only. */
export const JUST_IN_TIME_IDENTITY_STORE_READ_ACTIONS = [
  'identitystore:GetUserId',
  'identitystore:DescribeUser',
  'identitystore:DescribeGroup',
  'sso:DescribeRegisteredRegions',
  'sso:ListDirectoryAssociations',
] as const;

/** Tag Systems Manager puts on the automation executions of manual approvals. */
export const JUST_IN_TIME_MANAGED_TAG = 'SystemsManagerJustInTimeNodeAccessManaged';

/**
 * The environment's instances, region-free: the statements name `*` for the region, and one Deny
 * ({@link SIDS.denyOtherRegions}) keeps sessions to the environment's regions, so that the policy
 * does not grow with every region times every attribute group.
 */
const instanceArns = (input: Pick<SessionAccessInput, 'accountId'>) => [`arn:aws:ec2:*:${input.accountId}:instance/*`];

/**
 * On-premises servers, edge devices and VMs registered with Systems Manager (hybrid activations),
 * `mi-...`: Session Manager reads their tags with the same `ssm:resourceTag/<key>` condition key.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-managed-instances-advanced.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export const managedInstanceArns = (input: Pick<SessionAccessInput, 'accountId'>): string[] => [
  `arn:aws:ssm:*:${input.accountId}:managed-instance/mi-*`,
];

/** The actions a session is made with: the Deny of other regions names them. */
const REGIONAL_SESSION_ACTIONS = ['ssm:StartSession', 'ssm:ResumeSession', 'ssm:TerminateSession'] as const;

/** The just-in-time requester's actions on resources of a region (requests, tokens, approvals). */
const JUST_IN_TIME_REGIONAL_ACTIONS = [
  'ssm:StartAccessRequest',
  'ssm:GetAccessToken',
  'ssm:GetOpsItem',
  'ssm:DescribeDocument',
  'ssm:GetDocument',
  'ssm:StartAutomationExecution',
  'ssm:StopAutomationExecution',
] as const;

/**
 * Every `ssm:StartSession` statement carries this: with it, Session Manager checks that the caller
 * was given the document too, so a session without `--document-name` cannot fall back to a document
 * the policy does not list. AWS requires it on every statement that allows `ssm:StartSession`.
 */
export const DOCUMENT_ACCESS_CHECK: PolicyConditions = {
  BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
};

/**
 * StartSession on the environment's instances when every instance tag equals its principal-side
 * value; with `managedInstances`, on its registered managed instances (`mi-*`) as well.
 */
function startSessionWhen(
  sid: string,
  input: SessionAccessInput,
  equals: Record<string, string>,
  managedInstances = false,
): PolicyStatement {
  // A tag present but empty on both sides would otherwise match: require a non-empty instance tag.
  const nonEmpty = Object.fromEntries(Object.keys(equals).map((key) => [key, '?*']));
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: [...instanceArns(input), ...(managedInstances ? managedInstanceArns(input) : [])],
    Condition: { StringEquals: equals, StringLike: nonEmpty, ...DOCUMENT_ACCESS_CHECK },
  };
}

/** The identity policy of the federated role or permission set. */
export function sessionAccessDocument(input: SessionAccessInput): PolicyDocument {
  const { accountId, regions, rules } = input;
  const statements: PolicyStatement[] = [
    {
      Sid: SIDS.consoleRead,
      Effect: 'Allow',
      Action: [...CONSOLE_READ_ACTIONS],
      // "*": the Describe actions support no resource-level permissions, and the console lists
      // every instance (reading is harmless; starting a session is what the rules below decide).
      Resource: '*',
    },
  ];

  if (input.justInTime) {
    statements.push(...justInTimeRequesterStatements(input, input.justInTime));
  }
  const standing = !input.justInTime || input.justInTime.keepStandingSessions === true;
  // EC2 instances only: the launch tagger writes AwsUserId at launch, and nothing writes it on a
  // managed instance (mi-*), whose registration is not a launch by a person.
  if (rules.ownerRule && standing) {
    statements.push({
      Sid: SIDS.owner,
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: instanceArns(input),
      // `aws:userid` is never empty, so no presence check is needed.
      Condition: { StringEquals: { [`ssm:resourceTag/${OWNERSHIP_TAG}`]: '${aws:userid}' }, ...DOCUMENT_ACCESS_CHECK },
    });
  }
  for (let group = 1; group <= (standing ? (rules.attributeRule?.groups ?? 0) : 0); group++) {
    const equals = Object.fromEntries(
      rules.attributeRule!.tags.map((pair) => [
        `ssm:resourceTag/${pair.instanceTag}`,
        `\${aws:PrincipalTag/${groupTagName(pair.principalTag, group)}}`,
      ]),
    );
    // Attributes are tags anyone with the right to tag sets, on EC2 and managed instances alike.
    statements.push(startSessionWhen(SIDS.attributes(group), input, equals, true));
  }
  if (rules.principalTagOwnerRule && standing) {
    const { instanceTag, principalTag } = rules.principalTagOwnerRule;
    statements.push(
      startSessionWhen(SIDS.principalTagOwner, input, {
        [`ssm:resourceTag/${instanceTag}`]: `\${aws:PrincipalTag/${principalTag}}`,
      }),
    );
  }

  const documents = [
    `arn:aws:ssm:*:${accountId}:document/${SESSION_DOCUMENTS.shell}`,
    // Documents Session Manager owns have no account in their ARN.
    ...(input.sshEnabled ? [`arn:aws:ssm:*::document/${SESSION_DOCUMENTS.ssh}`] : []),
    ...(input.portForwardingEnabled
      ? SESSION_DOCUMENTS.portForwarding.map((name) => `arn:aws:ssm:*::document/${name}`)
      : []),
  ];
  if (standing) {
    statements.push({
      Sid: SIDS.documents,
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: documents,
      Condition: DOCUMENT_ACCESS_CHECK,
    });
  }
  statements.push({
    Sid: SIDS.ownSessions,
    Effect: 'Allow',
    Action: ['ssm:ResumeSession', 'ssm:TerminateSession'],
    Resource: `arn:aws:ssm:*:${accountId}:session/*`,
    // Session Manager tags each session with its starter's aws:userid (role-id:session-name for a
    // federated or Identity Center user), where aws:username does not exist.
    Condition: { StringEquals: { 'ssm:resourceTag/aws:ssmmessages:session-id': '${aws:userid}' } },
  });
  if (input.sessionKmsKeyArns.length > 0) {
    statements.push({
      Sid: SIDS.kms,
      Effect: 'Allow',
      // The client side of session encryption: without it an encrypted session fails to start.
      Action: 'kms:GenerateDataKey',
      Resource: [...input.sessionKmsKeyArns],
    });
  }
  statements.push({
    Sid: SIDS.denyOtherRegions,
    Effect: 'Deny',
    Action: [...REGIONAL_SESSION_ACTIONS, ...(input.justInTime ? JUST_IN_TIME_REGIONAL_ACTIONS : [])],
    // "*": the statements above name every region ("*"); this keeps them to the environment's.
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': [...regions] } },
  });
  const tagKeys = [...new Set([...accessTagKeys(rules), ...(input.justInTime?.approvalTagKeys ?? [])])];
  statements.push(...ownershipTagDeny(tagKeys));
  // In just-in-time mode too: nothing here allows a session then, but another policy of the same
  // role or permission set might.
  statements.push(...runAsSessionDeny(input.runAsGuard ?? {}));
  return policyDocument(statements);
}

/**
 * The requester's statements of just-in-time mode, after AWS's requester policy, scoped as far as
 * each action allows: requests only on the environment's nodes, tokens and request reads only on
 * OpsItems of the account and regions (an access request is an OpsItem), approval workflows only
 * of the environment's manual approval documents, cancelling only executions Systems Manager
 * marked as its own. No `ssm:StartSession`: the session runs on the token's credentials, which the
 * service hands out only for an approved request; a `StartSession` here would bypass approvals.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access-setting-up.html
 */
function justInTimeRequesterStatements(input: SessionAccessInput, jit: JustInTimeAccessInput): PolicyStatement[] {
  const { accountId } = input;
  // Region-free: DenySessionsOutsideTheRegions keeps every requester action to the environment's.
  const opsItems = [`arn:aws:ssm:*:${accountId}:opsitem/*`];
  const executions = [`arn:aws:ssm:*:${accountId}:automation-execution/*`];
  const statements: PolicyStatement[] = [
    {
      Sid: SIDS.justInTimeConsoleRead,
      Effect: 'Allow',
      Action: [
        ...JUST_IN_TIME_CONSOLE_READ_ACTIONS,
        ...(jit.identityStoreReads ? JUST_IN_TIME_IDENTITY_STORE_READ_ACTIONS : []),
      ],
      // "*": none of these reads supports resource-level permissions the console could name in
      // advance (lists, summaries, Quick Setup and Identity Store look-ups).
      Resource: '*',
    },
    {
      Sid: SIDS.requestAccess,
      Effect: 'Allow',
      Action: 'ssm:StartAccessRequest',
      Resource: [...instanceArns(input), ...managedInstanceArns(input)],
    },
    {
      Sid: SIDS.accessToken,
      Effect: 'Allow',
      Action: ['ssm:GetAccessToken', 'ssm:GetOpsItem'],
      Resource: opsItems,
    },
    {
      Sid: SIDS.approvalPolicies,
      Effect: 'Allow',
      Action: ['ssm:DescribeDocument', 'ssm:GetDocument'],
      Resource: `arn:aws:ssm:*:${accountId}:document/*`,
      Condition: { StringEquals: { 'ssm:DocumentType': ['AutoApprovalPolicy', 'ManualApprovalPolicy'] } },
    },
    {
      Sid: SIDS.cancelRequest,
      Effect: 'Allow',
      Action: 'ssm:StopAutomationExecution',
      Resource: executions,
      Condition: { StringEquals: { [`aws:ResourceTag/${JUST_IN_TIME_MANAGED_TAG}`]: 'true' } },
    },
  ];
  if (jit.manualApprovalDocumentNames.length > 0) {
    statements.push({
      Sid: SIDS.manualApproval,
      Effect: 'Allow',
      Action: 'ssm:StartAutomationExecution',
      // The documents by name, not by the `ssm:DocumentType` condition of AWS's sample: that key is
      // not documented for StartAutomationExecution, and names are tighter anyway.
      Resource: [
        ...[...jit.manualApprovalDocumentNames].sort().map((name) => `arn:aws:ssm:*:${accountId}:document/${name}`),
        ...executions,
      ],
    });
  }
  return statements;
}

/**
 * The Deny on the tags that decide access. Instances in any account and region: a Deny is safer
 * wide. Tag keys are compared ignoring case because condition key names are case-insensitive:
 * `ssm:resourceTag/AwsUserId` also reads a tag written as `awsuserid`.
 */
export function ownershipTagDeny(tagKeys: readonly string[], exempt?: PolicyConditions): PolicyStatement[] {
  const instances = 'arn:aws:ec2:*:*:instance/*';
  return [
    {
      Sid: SIDS.denyTagKeys,
      Effect: 'Deny',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:RunInstances'],
      Resource: instances,
      Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [...tagKeys] }, ...exempt },
    },
    {
      Sid: SIDS.denyRequestTag,
      Effect: 'Deny',
      Action: ['ec2:CreateTags', 'ec2:RunInstances'],
      Resource: instances,
      Condition: { Null: { [`aws:RequestTag/${OWNERSHIP_TAG}`]: 'false' }, ...exempt },
    },
    {
      Sid: SIDS.denyDeleteAllTags,
      Effect: 'Deny',
      // DeleteTags without a tag list deletes every tag, the ownership tag included, and the
      // request then has no aws:TagKeys for the statement above to match.
      Action: 'ec2:DeleteTags',
      Resource: instances,
      Condition: { Null: { 'aws:TagKeys': 'true' }, ...exempt },
    },
  ];
}

/**
 * The organization SCP: the same Deny on the ownership tag for every principal of the account but
 * the launch tagger, which is the one writer of `AwsUserId`. The ABAC and `CreatedBy` tags are left
 * to the organization's tagging rules: launchers and administrators write them legitimately.
 *
 * The exemption names each tagger role exactly, never a pattern: a role the deploy role may create
 * under the environment's prefix (`<environment>-launch-tagger-backdoor`) stays under the Deny.
 *
 * @param launchTaggerRoleNames - The tagger roles' names (`<name>-<region>`); they are exempt.
 */
export function ownershipTagScp(accountId: string, launchTaggerRoleNames: readonly string[]): PolicyDocument {
  const arns = [...new Set(launchTaggerRoleNames)].sort().map((name) => launchTaggerRoleArn(accountId, name));
  const exempt: PolicyConditions = {
    ArnNotEquals: { 'aws:PrincipalArn': arns.length === 1 ? arns[0] : arns },
  };
  return policyDocument(ownershipTagDeny([OWNERSHIP_TAG], exempt));
}
