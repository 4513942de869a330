import { type PolicyDocument, type PolicyStatement, policyDocument } from '../core/policy-document';
import { READS_WITHOUT_RESOURCE_TYPES, READ_SCOPE_OF_SERVICE, type RefreshResources } from './refresh-resources';
import { type ResourceTypeActions, uniqueSorted } from './terraform-actions';

/**
 * The CI roles' permissions as data: what `terraform plan` reads, what `terraform apply` changes,
 * and the permissions boundary every role of the stack carries. Internal to github-oidc.
 */

/** Stable statement ids of the CI policies. */
export const CI_SIDS = {
  /** Refresh reads IAM authorizes on "*" only. */
  refreshReads: 'TerraformRefreshReads',
  /** Refresh reads on the stack's roles, policies, providers, buckets and keys. */
  refreshResourceReads: 'TerraformRefreshResourceReads',
  /** Refresh reads on the stack's log groups, queues, functions, rules, alarms and documents, in its regions. */
  refreshRegionalReads: 'TerraformRefreshRegionalReads',
  denySessionData: 'DenySessionData',
  denyBucketObjects: 'DenyBucketObjectReads',
  rolesWithBoundary: 'RolesCarryTheBoundary',
  passRoles: 'PassRolesToTheirServices',
  denyWithoutBoundary: 'DenyRolesWithoutTheBoundary',
  denyBoundaryRemoval: 'DenyRemovingBoundaries',
  denyCiPolicyChanges: 'DenyChangingCiPolicies',
  denyCiRoleChanges: 'DenyChangingCiRoles',
  denyAwsManagedPolicies: 'DenyAwsManagedPolicies',
  denyAlarmServicesElsewhere: 'DenyAlarmServicesOutsideTheRegions',
  denyUsersAndKeys: 'DenyUsersAndAccessKeys',
  boundaryProductRoles: 'ProductRoleActions',
  boundaryTerraform: 'TerraformActions',
  boundaryProtection: 'DenyBoundaryChanges',
  boundarySessionData: 'DenySessionDataReads',
  manage: (service: string) => `Manage${service.charAt(0).toUpperCase()}${service.slice(1)}`,
} as const;

/**
 * Data reads the plan role must never make, denied explicitly so that a managed policy attached
 * later (ReadOnlyAccess, for example) cannot reopen them: session transcripts in CloudWatch Logs
 * (which decrypts for any reader of the group), decryption, dead letters, sessions, secrets.
 */
export const SESSION_DATA_ACTIONS = [
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:GetLogRecord',
  'logs:StartQuery',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  'logs:Unmask',
  'kms:Decrypt',
  'sqs:ReceiveMessage',
  'ssm:StartSession',
  'ssm:ResumeSession',
  'ssm:GetParameter*',
  'secretsmanager:GetSecretValue',
] as const;

/**
 * The services whose deploy ARNs name no region when the stack has alarm-only regions; the guards
 * deny them outside the stack's regions.
 */
export const ALARM_SERVICE_ACTIONS = ['events:*', 'sns:*', 'kms:*', 'cloudwatch:*'] as const;

/** Every change to a role; the CI roles are changed by an administrator only. */
export const ROLE_CHANGE_ACTIONS = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
] as const;

/** Role changes that must name the boundary (`iam:PermissionsBoundary`): creating, setting it, granting. */
export const BOUNDARY_REQUIRED_ACTIONS = [
  'iam:CreateRole',
  'iam:PutRolePermissionsBoundary',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
] as const;

const POLICY_CHANGE_ACTIONS = [
  'iam:CreatePolicyVersion',
  'iam:DeletePolicy',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:TagPolicy',
  'iam:UntagPolicy',
] as const;

/** What the CI policies are scoped to. */
export interface CiScope {
  readonly accountId: string;
  readonly regions: readonly string[];
  /**
   * Further regions where the stack manages only alarms: EventBridge rules, SNS topics, their keys
   * and CloudWatch alarms (the break-glass sign-in alarms).
   */
  readonly alarmRegions: readonly string[];
  /** Every role, function, queue, rule, alarm, bucket and alias the stack creates starts with it, e.g. `prod-`. */
  readonly namePrefix: string;
  /** Further roles the stack manages by name (the federated role). */
  readonly roleNames: readonly string[];
  readonly samlProviderNames: readonly string[];
  /** Session documents the stack manages (`SSM-SessionManagerRunShell`). */
  readonly documentNames: readonly string[];
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
  readonly boundaryArn: string;
  /** The CI roles' managed policies (the boundary, the reads, the deploy policy). */
  readonly ciPolicyArns: readonly string[];
}

/**
 * The plan role's reads: the refresh reads of the stack's resource types, each on the stack's own
 * resources where IAM can scope it (so a pull request's plan reads no other role's, bucket's or
 * key's configuration), and the Denies on session data.
 */
export function planReadDocument(
  types: readonly ResourceTypeActions[],
  resources: RefreshResources,
  regions: readonly string[],
  bucketNames: readonly string[],
): PolicyDocument {
  const reads = uniqueSorted(types.flatMap((t) => t.read));
  const scopeOf = (action: string) => {
    if (action in READS_WITHOUT_RESOURCE_TYPES) return 'none';
    const scope = READ_SCOPE_OF_SERVICE[action.split(':')[0]];
    if (!scope) throw new Error(`github-oidc: no resource scope known for the refresh read ${action}`);
    return scope;
  };
  const unscoped = reads.filter((r) => scopeOf(r) === 'none');
  const exact = reads.filter((r) => scopeOf(r) === 'exact');
  const regional = reads.filter((r) => scopeOf(r) === 'regional');
  const statements: PolicyStatement[] = [];
  if (unscoped.length > 0) {
    statements.push({
      Sid: CI_SIDS.refreshReads,
      Effect: 'Allow',
      Action: unscoped,
      // "*": these actions have no resource type in the Service Authorization Reference, so IAM
      // authorizes them on "*" only (READS_WITHOUT_RESOURCE_TYPES gives each one's reason).
      Resource: '*',
    });
  }
  if (exact.length > 0 && resources.exact.length > 0) {
    statements.push({
      Sid: CI_SIDS.refreshResourceReads,
      Effect: 'Allow',
      Action: exact,
      Resource: [...resources.exact],
    });
  }
  if (regional.length > 0 && resources.regional.length > 0) {
    statements.push({
      Sid: CI_SIDS.refreshRegionalReads,
      Effect: 'Allow',
      Action: regional,
      Resource: [...resources.regional],
      // The ARNs have "*" for the region: this keeps them to the stack's regions.
      Condition: { StringEquals: { 'aws:RequestedRegion': [...regions] } },
    });
  }
  statements.push({
    Sid: CI_SIDS.denySessionData,
    Effect: 'Deny',
    Action: [...SESSION_DATA_ACTIONS],
    // "*": session data must stay unreadable wherever it is, whatever else is attached to the role.
    Resource: '*',
  });
  statements.push(...denyBucketObjects(bucketNames));
  return policyDocument(statements);
}

const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The deploy role's changes: each write action of the stack's resource types, on the resource
 * names this stack manages; roles only with the boundary.
 */
export function deployDocument(types: readonly ResourceTypeActions[], scope: CiScope): PolicyDocument {
  const a = scope.accountId;
  const p = scope.namePrefix;
  const regional = (build: (region: string) => string[]) => scope.regions.flatMap(build);
  // With alarm-only regions (rules, topics, their keys and alarms, nothing else there), the ARNs of
  // those services name no region, so the policy does not grow with them; the guards keep the
  // services to the stack's regions (deployGuardsDocument).
  const alarming = (build: (region: string) => string[]) =>
    scope.alarmRegions.length > 0 ? build('*') : regional(build);
  const roleArns = [`arn:aws:iam::${a}:role/${p}*`, ...scope.roleNames.map((n) => `arn:aws:iam::${a}:role/${n}`)];
  const resourcesOf: Record<string, () => string[]> = {
    iam: () => [
      ...roleArns,
      `arn:aws:iam::${a}:instance-profile/${p}*`,
      ...scope.samlProviderNames.map((n) => `arn:aws:iam::${a}:saml-provider/${n}`),
    ],
    kms: () => alarming((r) => [`arn:aws:kms:${r}:${a}:key/*`, `arn:aws:kms:${r}:${a}:alias/${p}*`]),
    s3: () => [`arn:aws:s3:::${p}*`],
    logs: () =>
      regional((r) => [
        `arn:aws:logs:${r}:${a}:log-group:/aws/ssm/${p.replace(/-$/, '')}/*`,
        `arn:aws:logs:${r}:${a}:log-group:/aws/lambda/${p}*`,
      ]),
    ssm: () => regional((r) => scope.documentNames.map((d) => `arn:aws:ssm:${r}:${a}:document/${d}`)),
    lambda: () => regional((r) => [`arn:aws:lambda:${r}:${a}:function:${p}*`]),
    events: () => alarming((r) => [`arn:aws:events:${r}:${a}:rule/${p}*`]),
    cloudformation: () => regional((r) => [`arn:aws:cloudformation:${r}:${a}:stack/${p}*`]),
    sns: () => alarming((r) => [`arn:aws:sns:${r}:${a}:${p}*`]),
    sqs: () => regional((r) => [`arn:aws:sqs:${r}:${a}:${p}*`]),
    cloudwatch: () => alarming((r) => [`arn:aws:cloudwatch:${r}:${a}:alarm:${p}*`]),
    ec2: () =>
      regional((r) =>
        ['vpc', 'subnet', 'route-table', 'security-group', 'security-group-rule', 'vpc-endpoint'].map(
          (kind) => `arn:aws:ec2:${r}:${a}:${kind}/*`,
        ),
      ),
  };
  const writes = uniqueSorted(types.flatMap((t) => t.write));
  const withBoundary = writes.filter((w) => (BOUNDARY_REQUIRED_ACTIONS as readonly string[]).includes(w));
  const passRole = writes.includes('iam:PassRole');
  const plain = writes.filter((w) => !withBoundary.includes(w) && w !== 'iam:PassRole' && w !== 'kms:CreateKey');

  const statements: PolicyStatement[] = [];
  for (const service of uniqueSorted(plain.map((w) => w.split(':')[0]))) {
    const resources = resourcesOf[service];
    if (!resources) throw new Error(`github-oidc: no resource names known for the service ${service}`);
    statements.push({
      Sid: CI_SIDS.manage(pascal(service)),
      Effect: 'Allow',
      Action: plain.filter((w) => w.startsWith(`${service}:`)),
      Resource: resources(),
    });
  }
  if (writes.includes('kms:CreateKey')) {
    statements.push({
      Sid: 'CreateKeys',
      Effect: 'Allow',
      Action: 'kms:CreateKey',
      // "*": CreateKey has no resource (the key does not exist yet); everything after it is scoped above.
      Resource: '*',
    });
  }
  if (withBoundary.length > 0) {
    statements.push({
      Sid: CI_SIDS.rolesWithBoundary,
      Effect: 'Allow',
      Action: withBoundary,
      Resource: roleArns,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': scope.boundaryArn } },
    });
  }
  if (passRole) {
    statements.push({
      Sid: CI_SIDS.passRoles,
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: roleArns,
      Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'lambda.amazonaws.com'] } },
    });
  }
  return policyDocument(statements);
}

/**
 * The Denies that keep the deploy role from granting more than the boundary or changing the CI
 * roles, whatever else is attached to it. A policy of its own, so that the changes can grow.
 */
export function deployGuardsDocument(scope: CiScope): PolicyDocument {
  const alarmServices: PolicyStatement[] =
    scope.alarmRegions.length > 0
      ? [
          {
            Sid: CI_SIDS.denyAlarmServicesElsewhere,
            Effect: 'Deny',
            Action: [...ALARM_SERVICE_ACTIONS],
            // "*": outside the stack's regions, on anything of these services.
            Resource: '*',
            Condition: { StringNotEquals: { 'aws:RequestedRegion': [...scope.regions, ...scope.alarmRegions] } },
          },
        ]
      : [];
  return policyDocument([
    ...alarmServices,
    {
      Sid: CI_SIDS.denyWithoutBoundary,
      Effect: 'Deny',
      Action: [...BOUNDARY_REQUIRED_ACTIONS],
      // "*": no role anywhere may be created or granted to without the boundary.
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': scope.boundaryArn } },
    },
    {
      Sid: CI_SIDS.denyBoundaryRemoval,
      Effect: 'Deny',
      Action: 'iam:DeleteRolePermissionsBoundary',
      // "*": no role may lose its boundary through this role.
      Resource: '*',
    },
    {
      Sid: CI_SIDS.denyCiPolicyChanges,
      Effect: 'Deny',
      Action: [...POLICY_CHANGE_ACTIONS],
      Resource: [...scope.ciPolicyArns],
    },
    {
      Sid: CI_SIDS.denyCiRoleChanges,
      Effect: 'Deny',
      Action: [...ROLE_CHANGE_ACTIONS],
      Resource: [scope.planRoleArn, scope.deployRoleArn],
    },
    {
      Sid: CI_SIDS.denyAwsManagedPolicies,
      Effect: 'Deny',
      Action: 'iam:AttachRolePolicy',
      // "*": on any role; the condition names the policies (AdministratorAccess, PowerUserAccess, ...).
      Resource: '*',
      Condition: { ArnLike: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/*' } },
    },
    {
      Sid: CI_SIDS.denyUsersAndKeys,
      Effect: 'Deny',
      Action: ['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile'],
      // "*": long-lived credentials are never this role's business.
      Resource: '*',
    },
  ]);
}

/**
 * Read-only action families the boundary lets through as one wildcard each, to stay within a
 * managed policy's 6,144 characters: the just-in-time requester's console reads of Quick Setup
 * (five Get/List actions). A wildcard of reads in a boundary widens nothing a role's own policy does
 * not grant, and the session-data Denies below still apply.
 */
const BOUNDARY_READ_FAMILIES: readonly RegExp[] = [/^(ssm-quicksetup:Get)\w+$/, /^(ssm-quicksetup:List)\w+$/];

function boundaryAction(action: string): string {
  for (const family of BOUNDARY_READ_FAMILIES) {
    const match = family.exec(action);
    if (match) return `${match[1]}*`;
  }
  return action;
}

/**
 * The permissions boundary of every role the stack creates: the actions of the product's own role
 * policies (federated sessions, the instance agent, the launch tagger) and of Terraform (the CI
 * roles), nothing else; and no role under it may remove a boundary or change this policy.
 */
export function boundaryDocument(
  productActions: readonly string[],
  terraformActions: readonly string[],
  boundaryArn: string,
  bucketNames: readonly string[] = [],
): PolicyDocument {
  const product = uniqueSorted(productActions.map(boundaryAction));
  const terraform = uniqueSorted(terraformActions).filter((t) => !product.includes(t));
  const statements: PolicyStatement[] = [];
  if (product.length > 0) {
    statements.push({
      Sid: CI_SIDS.boundaryProductRoles,
      Effect: 'Allow',
      Action: product,
      // "*": a boundary only caps what a role's own policies may grant; those name the resources.
      Resource: '*',
      // Sessions started without --document-name are checked against the document grants too.
      ...(product.includes('ssm:StartSession')
        ? { Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } } }
        : {}),
    });
  }
  if (terraform.length > 0) {
    statements.push({
      Sid: CI_SIDS.boundaryTerraform,
      Effect: 'Allow',
      Action: terraform,
      // "*": as above, the CI roles' own policies name the resources.
      Resource: '*',
    });
  }
  // No role of the product reads session data; the federated role starts sessions and the agent
  // decrypts, so those two stay with the roles' own policies.
  const dataReads = SESSION_DATA_ACTIONS.filter(
    (a) => !['kms:Decrypt', 'ssm:StartSession', 'ssm:ResumeSession'].includes(a),
  );
  statements.push({
    Sid: CI_SIDS.boundarySessionData,
    Effect: 'Deny',
    Action: dataReads,
    // "*": a role the deploy role creates must not read session data either, whatever its policy says.
    Resource: '*',
  });
  statements.push(...denyBucketObjects(bucketNames));
  statements.push(
    {
      Sid: CI_SIDS.boundaryProtection,
      Effect: 'Deny',
      Action: [...POLICY_CHANGE_ACTIONS],
      Resource: boundaryArn,
    },
    {
      Sid: CI_SIDS.denyBoundaryRemoval,
      Effect: 'Deny',
      Action: 'iam:DeleteRolePermissionsBoundary',
      // "*": no role under the boundary may take one off.
      Resource: '*',
    },
  );
  return policyDocument(statements);
}

/** No reading of the objects in the stack's buckets (none where the stack has no bucket). */
function denyBucketObjects(bucketNames: readonly string[]): PolicyStatement[] {
  if (bucketNames.length === 0) return [];
  return [
    {
      Sid: CI_SIDS.denyBucketObjects,
      Effect: 'Deny',
      Action: 's3:GetObject*',
      // Transcripts and access logs; the state object lives in another bucket and stays readable.
      Resource: [...bucketNames].sort().map((b) => `arn:aws:s3:::${b}/*`),
    },
  ];
}
