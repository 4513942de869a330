import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Lazy, type TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import {
  type LaunchTaggerNaming,
  environmentLaunchTaggerName,
  isLaunchTagger,
  launchTaggerRoleName,
} from '../core/launch-tagger-names';
import type { ConfigProblem } from '../core/config-error';
import { type PolicyDocument, renderPolicy } from '../core/policy-document';
import { type ReviewPart, describeForReview } from '../core/review-metadata';
import { type AwsRegion, propProblems, rules as propRules } from '../core/rules';
import { reportProblems } from '../core/validation';
import {
  type FieldNames,
  type SessionDocumentSettings,
  checkCombinations,
  justInTimeDocumentRules,
} from '../core/combination-rules';
import { type RunAsGuard, runAsGuardProblems } from '../core/run-as-guard';
import { ATTRIBUTE_TAGS_REQUIRED, type AccessRules, groupTagName, principalTagsRead } from '../core/access-rules';
import { OWNERSHIP_TAG, ownershipTagScp, sessionAccessDocument } from './access-rules';

export { accessTagKeys, groupTagName } from '../core/access-rules';
export {
  OWNERSHIP_TAG,
  SIDS as SESSION_ACCESS_SIDS,
  SESSION_DOCUMENTS,
  CONSOLE_READ_ACTIONS,
  JUST_IN_TIME_CONSOLE_READ_ACTIONS,
  JUST_IN_TIME_IDENTITY_STORE_READ_ACTIONS,
} from './access-rules';

/**
 * Properties of a {@link SessionAccessPolicy}.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
 */
export interface SessionAccessPolicyProps {
  /** The environment's account: instances, documents and sessions of other accounts are out of reach. */
  readonly accountId: string;
  /** The environment's regions (at least one): instances elsewhere are out of reach. */
  readonly regions: readonly AwsRegion[];
  /**
   * Environment name. The SCP exempts the roles of the `LaunchTagger` constructs in the same
   * stack, by their names; only a stack without a tagger (one deployed elsewhere) falls back to
   * `<environment>-launch-tagger` (see `launchTaggerName`).
   */
  readonly environment: string;
  /**
   * Name of the launch tagger (`LaunchTaggerProps.name`) whose roles, `<name>-<region>`, the SCP
   * exempts: the one writer of `AwsUserId`.
   *
   * @default - the names of the `LaunchTagger` constructs in this stack (read at synth time, so the
   *   SCP always exempts the tagger that is really deployed); `<environment>-launch-tagger` when the
   *   stack has none
   */
  readonly launchTaggerName?: string;
  /**
   * Which tag match rules allow a session. At least one must be on.
   *
   * @default - `{ ownerRule: true }`: the owner rule only
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
   */
  readonly rules?: AccessRules;
  /**
   * Allow `AWS-StartSSHSession`. SSH sessions are not transcribed by Session Manager.
   *
   * @default false
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-enable-ssh-connections.html
   */
  readonly sshEnabled?: boolean;
  /**
   * Allow `AWS-StartPortForwardingSession` and `AWS-StartPortForwardingSessionToRemoteHost`.
   * Port-forwarding sessions are not transcribed.
   *
   * @default false
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-specify-session-document.html
   */
  readonly portForwardingEnabled?: boolean;
  /**
   * KMS keys that encrypt sessions (ARNs or references, usually `SessionAuditLogs.kmsKeyArn` of
   * each region). Callers need `kms:GenerateDataKey` on them, or an encrypted session fails to
   * start. The key policy must let IAM policies grant it.
   *
   * @default - none: no KMS statement, so sessions encrypted with a KMS key fail to start
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html
   */
  readonly sessionKmsKeyArns?: readonly string[];
  /**
   * `standing`: the match rules allow `ssm:StartSession` directly. `just-in-time`: the policy has
   * no `ssm:StartSession` at all; people request access (`ssm:StartAccessRequest`), approval
   * policies decide, and the session runs on the token of an approved request
   * (`ssm:GetAccessToken`). SSH and port forwarding are not available through approvals.
   *
   * @default 'standing'
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access.html
   */
  readonly accessMode?: 'standing' | 'just-in-time';
  /**
   * Standing mode only: add the just-in-time requester statements beside `ssm:StartSession`, so
   * people can try access requests before the move to `just-in-time` removes direct sessions.
   *
   * @default false
   */
  readonly justInTimeRequestsEnabled?: boolean;
  /**
   * Just-in-time mode: names of the manual approval documents whose approval workflows a request
   * starts (usually `JustInTimeApprovalPolicies.manualApprovalDocumentNames`).
   *
   * @default - none: no `ssm:StartAutomationExecution`, so only auto-approved requests succeed
   */
  readonly manualApprovalDocumentNames?: readonly string[];
  /**
   * Just-in-time mode: further instance tags that decide approvals (restricted-instance, deny-access
   * and manual target tags); the tag Deny covers them as well.
   *
   * @default - none beyond the match rules' tags
   */
  readonly approvalTagKeys?: readonly string[];
  /**
   * Just-in-time requests: add the console's Identity Store look-ups (`identitystore:DescribeUser`
   * and the like), which Identity Center users need and SAML-federated roles do not.
   *
   * @default false
   */
  readonly identityStoreReadsEnabled?: boolean;
  /**
   * Which OS users the caller's `SSMSessionRunAs` principal tag may not name: `ssm:StartSession`
   * is denied (an explicit Deny, so no other policy reopens it) when the tag is `root`, `ssm-user`
   * (unless `allowSharedDefaultUser`) or one of `deniedUsers`, in any letter case, or misses
   * `allowedPattern`. This is the guard for IAM Identity Center, whose roles' trust policies belong
   * to AWS; the SAML federation's trust refuses the same values at sign-in. A caller without the
   * tag is not denied: its sessions run as the preferences' default user.
   *
   * @default - `root`, `ssm-user` and `DEFAULT_DENIED_RUN_AS_USERS` refused; no pattern
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
   */
  readonly runAsGuard?: RunAsGuard;
}

/**
 * The policy that decides who may open a Session Manager session on which instance: for the
 * federated role (`attachToRole`) or as the inline policy of an Identity Center permission set
 * (`json`). It is the same size however many people use it: nothing in it is per user.
 *
 * Also builds the organization SCP that protects the ownership tag (`scpJson`), as data only:
 * SCPs are managed from the organization's management account.
 *
 * Every `ssm:StartSession` statement carries `ssm:SessionDocumentAccessCheck`, so a session
 * started without `--document-name` is still checked against the documents the policy lists.
 *
 * @example
 * ```ts
 * const access = new SessionAccessPolicy(stack, 'access', {
 *   accountId,
 *   regions: ['eu-west-1'],
 *   environment: 'prod',
 *   sessionKmsKeyArns: [logs.kmsKeyArn],
 * });
 * access.attachToRole(federation.role);
 * ```
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export class SessionAccessPolicy extends Construct {
  /** The policy, as data. */
  readonly document: PolicyDocument;
  /** The policy as Terraform takes it (template sequences escaped). */
  readonly json: string;
  /** The SCP as Terraform takes it (for an output to the management account's stack), resolved at synth time. */
  readonly scpJson: string;
  /** Principal tags the rules read; the IdP or Identity Center must send them. */
  readonly principalTags: readonly string[];
  /** Whether the policy allows sessions directly (`standing`) or access requests (`just-in-time`). */
  readonly accessMode: 'standing' | 'just-in-time';

  constructor(scope: Construct, id: string, props: SessionAccessPolicyProps) {
    super(scope, id);
    const rules = props.rules ?? { ownerRule: true };
    const justInTime = props.accessMode === 'just-in-time';
    reportProblems(this, [
      ...propProblems(this.node.path, [
        ['accountId', props.accountId, propRules.accountId],
        ...props.regions.map((r, i) => [`regions.${i}`, r, propRules.region] as const),
      ]),
      ...ruleProblems(this.node.path, props.regions, rules),
      ...runAsGuardProblems(this.node.path, 'runAsGuard', props.runAsGuard),
      ...checkCombinations(
        {
          accessMode: props.accessMode ?? 'standing',
          sshEnabled: props.sshEnabled ?? false,
          portForwardingEnabled: props.portForwardingEnabled ?? false,
        },
        justInTimeDocumentRules(DOCUMENT_FIELDS),
        DOCUMENT_FIELDS,
      ).map((p) => ({ file: this.node.path, ...p })),
    ]);

    this.document = sessionAccessDocument({
      accountId: props.accountId,
      regions: props.regions,
      rules,
      sshEnabled: props.sshEnabled ?? false,
      portForwardingEnabled: props.portForwardingEnabled ?? false,
      sessionKmsKeyArns: props.sessionKmsKeyArns ?? [],
      runAsGuard: props.runAsGuard ?? {},
      ...(justInTime || props.justInTimeRequestsEnabled
        ? {
            justInTime: {
              manualApprovalDocumentNames: props.manualApprovalDocumentNames ?? [],
              approvalTagKeys: props.approvalTagKeys ?? [],
              keepStandingSessions: !justInTime,
              identityStoreReads: props.identityStoreReadsEnabled ?? false,
            },
          }
        : {}),
    });
    this.accessMode = justInTime ? 'just-in-time' : 'standing';
    this.json = renderPolicy(this.document);
    this.accountId = props.accountId;
    this.environment = props.environment;
    this.regions = props.regions;
    this.launchTaggerName = props.launchTaggerName;
    // Lazy: the taggers of the stack may be created after this construct.
    this.scpJson = Lazy.stringValue({ produce: () => renderPolicy(this.scpDocument) });
    this.principalTags = principalTagsRead(rules);
    REVIEW.set(this, {
      part: 'session-policy',
      accountId: props.accountId,
      environment: props.environment,
      regions: props.regions,
      ownerRule: rules.ownerRule,
      ...(rules.attributeRule ? { attributeRule: rules.attributeRule } : {}),
      ...(rules.principalTagOwnerRule ? { principalTagOwnerRule: rules.principalTagOwnerRule } : {}),
      sshEnabled: props.sshEnabled ?? false,
      portForwardingEnabled: props.portForwardingEnabled ?? false,
      ...(justInTime ? { accessMode: 'just-in-time' as const } : {}),
      ownershipTagScp: this.scpJson,
    });
  }

  private readonly accountId: string;
  private readonly environment: string;
  private readonly regions: readonly string[];
  private readonly launchTaggerName?: string;

  /**
   * The organization SCP, as data: nobody in the account but the launch tagger's roles may write
   * or delete the `AwsUserId` tag. Read it once the stack's taggers exist (it names their roles).
   */
  get scpDocument(): PolicyDocument {
    return ownershipTagScp(this.accountId, this.launchTaggerRoleNames());
  }

  /**
   * The tagger roles the SCP exempts, by name: the roles of the named tagger (the prop) in the
   * environment's regions, else those of the stack's `LaunchTagger`s, else those of the
   * environment's default tagger in its regions.
   */
  launchTaggerRoleNames(): string[] {
    const inRegions = (name: string) => this.regions.map((region) => launchTaggerRoleName(name, region));
    if (this.launchTaggerName !== undefined) return inRegions(this.launchTaggerName);
    const inStack = TerraformStack.of(this)
      .node.findAll()
      .filter((construct) => isLaunchTagger(construct))
      .map((tagger) => tagger as unknown as LaunchTaggerNaming)
      .map((tagger) => launchTaggerRoleName(tagger.name, tagger.region));
    return inStack.length > 0 ? [...new Set(inStack)] : inRegions(environmentLaunchTaggerName(this.environment));
  }

  /**
   * Attaches the policy to a role as its inline policy `session-access`.
   *
   * @param role - The role people assume, e.g. `SamlFederation.role`.
   * @param id - Construct id of the `aws_iam_role_policy`, under this construct. Part of the
   *   resource address: changing it replaces the policy.
   * @returns The raw `aws_iam_role_policy` resource.
   */
  attachToRole(role: IamRole, id = 'role-policy'): IamRolePolicy {
    const policy = new IamRolePolicy(this, id, { name: 'session-access', role: role.name, policy: this.json });
    describeSessionPolicy(this, policy);
    return policy;
  }
}

/** The props' names for the session document rules the environment schema shares. */
const DOCUMENT_FIELDS: FieldNames<SessionDocumentSettings> = {
  accessMode: 'accessMode',
  sshEnabled: 'sshEnabled',
  portForwardingEnabled: 'portForwardingEnabled',
};

/** What each policy tells the review command, for the resource that carries it. */
const REVIEW = new WeakMap<SessionAccessPolicy, ReviewPart>();

/** Marks `resource` as the one that carries `policy` (an inline role policy or a permission set's). */
export function describeSessionPolicy(policy: SessionAccessPolicy, resource: TerraformResource): void {
  describeForReview(resource, REVIEW.get(policy)!);
}

function ruleProblems(where: string, regions: readonly string[], rules: AccessRules): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, value: unknown, message: string) =>
    problems.push({ file: where, path, value, message });
  if (regions.length === 0) problem('regions', regions, 'must list at least one region. Add the primary region');
  if (!rules.ownerRule && !rules.attributeRule && !rules.principalTagOwnerRule) {
    problem(
      'rules',
      rules,
      'must turn on at least one match rule, or nobody can open a session. Turn on the owner rule, an attribute rule or the principal-tag owner rule',
    );
  }
  const attributes = rules.attributeRule;
  if (attributes) {
    if (!Number.isInteger(attributes.groups) || attributes.groups < 1) {
      problem('rules.attributeRule.groups', attributes.groups, 'must be a whole number of groups, 1 or more');
    }
    if (attributes.tags.length === 0) {
      problem('rules.attributeRule.tags', attributes.tags, ATTRIBUTE_TAGS_REQUIRED);
    }
    const instanceTags = attributes.tags.map((t) => t.instanceTag);
    if (new Set(instanceTags).size !== instanceTags.length) {
      problem(
        'rules.attributeRule.tags',
        instanceTags,
        'must name each instance tag once: a group with one instance tag twice can never match. Remove the duplicate',
      );
    }
  }
  const pairs = [
    ...(attributes?.tags ?? []).map((pair, i) => ({ pair, path: `rules.attributeRule.tags.${i}` })),
    ...(rules.principalTagOwnerRule
      ? [{ pair: rules.principalTagOwnerRule, path: 'rules.principalTagOwnerRule' }]
      : []),
  ];
  for (const { pair, path } of pairs) {
    for (const key of ['principalTag', 'instanceTag'] as const) {
      if (!propRules.accessTagKey.test(pair[key])) problem(`${path}.${key}`, pair[key], propRules.accessTagKey.message);
    }
    if (pair.instanceTag.toLowerCase() === OWNERSHIP_TAG.toLowerCase()) {
      problem(
        'rules',
        pair.instanceTag,
        `must not use the ownership tag ${OWNERSHIP_TAG} as an attribute or principal-tag owner tag: only the launch tagger writes it. Use another instance tag`,
      );
    }
    // IAM condition keys are at most 128 characters after the prefix; AWS tag keys are too.
    if (groupTagName(pair.principalTag, attributes?.groups ?? 1).length > 128) {
      problem(
        'rules',
        pair.principalTag,
        'must leave principal tag names (with the group number) at most 128 characters',
      );
    }
  }
  return problems;
}
