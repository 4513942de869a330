import { type PolicyDocument, type PolicyStatement, policyDocument } from '../core/policy-document';
import { inRegions } from '../core/region-free';
import { READS_WITHOUT_RESOURCE_TYPES, READ_SCOPE_OF_SERVICE, type RefreshResources } from './refresh-resources';
import { type ResourceTypeActions, uniqueSorted } from './terraform-actions';

/**
 * The CI roles' permissions as data: what `terraform plan` reads, what `terraform apply` changes,
 * and the permissions boundary every role of the stack carries. Internal to github-oidc.
 */

/** `resource-groups` -> `ResourceGroups`, `iam` -> `Iam`; a name already in that form stays as it is. */
const pascal = (text: string) =>
  text
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** Stable statement ids of the CI policies (services and families in any case: `iam`, `Iam`). */
export const CI_SIDS = {
  /** Refresh reads IAM authorizes on "*" only. */
  refreshReads: 'TerraformRefreshReads',
  /** Refresh reads of one service on the stack's own resources, e.g. `TerraformRefreshIam`. */
  refresh: (service: string) => `TerraformRefresh${pascal(service)}`,
  denySessionData: 'DenySessionData',
  denyBucketObjects: 'DenyBucketObjectReads',
  rolesWithBoundary: 'RolesCarryTheBoundary',
  passRoles: 'PassRolesToTheirServices',
  denyWithoutBoundary: 'DenyRolesWithoutTheBoundary',
  denyBoundaryRemoval: 'DenyRemovingBoundaries',
  denyCiPolicyChanges: 'DenyChangingCiPolicies',
  denyCiRoleChanges: 'DenyChangingCiRoles',
  denyAwsManagedPolicies: 'DenyAwsManagedPolicies',
  denyUsersAndKeys: 'DenyUsersAndAccessKeys',
  boundaryCeiling: 'ServiceCeiling',
  boundaryAuditData: 'DenyAuditDataLoss',
  boundaryProtection: 'DenyBoundaryChanges',
  boundarySessionData: 'DenySessionDataReads',
  manage: (service: string) => `Manage${pascal(service)}`,
  /** Refresh reads of a family's regional services, e.g. `TerraformRefreshEventsInRegions`. */
  refreshInRegions: (family: string) => `TerraformRefresh${pascal(family)}InRegions`,
  /** Changes of a family's regional services, e.g. `ManageEventsInRegions`. */
  manageInRegions: (family: string) => `Manage${pascal(family)}InRegions`,
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
  /** The CI roles' managed policies (the boundary, the reads, the deploy policies), by name or name pattern. */
  readonly ciPolicyArns: readonly string[];
}

/**
 * The CI roles' permissions are split into managed policies by service family, each family a
 * policy of its own: a statement's policy depends only on its service, so adding a region, a
 * feature or a resource type adds to a family's policy (or creates a new family's) but never
 * moves a statement from one policy to another, which would remove the permission for the moment
 * a deploy detaches one policy and attaches the other.
 */
export const CI_POLICY_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  identity: ['iam', 'sso'],
  storage: ['kms', 'logs', 's3'],
  services: ['cloudformation', 'cloudwatch', 'ec2', 'events', 'lambda', 'sns', 'sqs', 'ssm'],
};

/**
 * Merges the statements of each family that share a condition (the regional ones, whose
 * `aws:RequestedRegion` list would otherwise be repeated per service) into one per family: a
 * statement's actions only ever match its own service's ARNs, so the merge grants nothing more.
 */
function mergeRegional(statements: readonly FamilyStatement[], sid: (family: string) => string): FamilyStatement[] {
  const merged = new Map<string, { actions: string[]; resources: string[]; condition: PolicyStatement['Condition'] }>();
  const rest: FamilyStatement[] = [];
  for (const item of statements) {
    const { family, statement } = item;
    // A statement on "*" (kms:CreateKey) stays apart: merged, its "*" would cover every other action.
    const onAnything = [statement.Resource ?? []].flat().includes('*');
    if (
      family === undefined ||
      onAnything ||
      !statement.Condition?.StringEquals?.['aws:RequestedRegion'] ||
      Object.keys(statement.Condition).length !== 1
    ) {
      rest.push(item);
      continue;
    }
    const entry = merged.get(family) ?? { actions: [], resources: [], condition: statement.Condition };
    entry.actions.push(...[statement.Action ?? []].flat());
    entry.resources.push(...[statement.Resource ?? []].flat());
    merged.set(family, entry);
  }
  return [
    ...rest,
    ...[...merged].map(([family, m]) => ({
      family,
      statement: {
        Sid: sid(family),
        Effect: 'Allow' as const,
        Action: uniqueSorted(m.actions),
        Resource: uniqueSorted(m.resources),
        Condition: m.condition!,
      },
    })),
  ];
}

/** The family of a service (see CI_POLICY_FAMILIES); a service without one stops the synth. */
export function familyOf(service: string): string {
  for (const [family, services] of Object.entries(CI_POLICY_FAMILIES)) if (services.includes(service)) return family;
  throw new Error(
    `github-oidc: the service ${service} is in no CI policy family. Add it to CI_POLICY_FAMILIES (modules/github-oidc/ci-policies.ts)`,
  );
}

/** A CI policy's statements, each tagged with the family policy it belongs to. */
export interface FamilyStatement {
  /** The family (CI_POLICY_FAMILIES), or undefined for the base policy. */
  readonly family?: string;
  readonly statement: PolicyStatement;
}

/** Groups statements by family: the base policy first (key ''), then the families in table order. */
export function byFamily(statements: readonly FamilyStatement[]): Map<string, PolicyDocument> {
  const order = ['', ...Object.keys(CI_POLICY_FAMILIES)];
  const grouped = new Map<string, PolicyStatement[]>();
  for (const { family, statement } of statements) {
    const key = family ?? '';
    grouped.set(key, [...(grouped.get(key) ?? []), statement]);
  }
  return new Map(
    order.filter((key) => grouped.has(key)).map((key) => [key, policyDocument(grouped.get(key) as PolicyStatement[])]),
  );
}

/**
 * The plan role's reads: the refresh reads of the stack's resource types, each on the stack's own
 * resources where IAM can scope it (so a pull request's plan reads no other role's, bucket's or
 * key's configuration), and the Denies on session data. Region-free: regional ARNs have `*` for
 * the region and an `aws:RequestedRegion` condition, per-region names become one pattern, and
 * keys are read by the stack's aliases, so the policy does not grow with the regions.
 */
export function planReadStatements(
  types: readonly ResourceTypeActions[],
  resources: RefreshResources,
  scope: Pick<CiScope, 'accountId' | 'regions' | 'namePrefix'>,
  bucketPatterns: readonly string[],
): FamilyStatement[] {
  const reads = uniqueSorted(types.flatMap((t) => t.read));
  const service = (action: string) => action.split(':')[0];
  const unscoped = reads.filter((r) => r in READS_WITHOUT_RESOURCE_TYPES);
  const statements: FamilyStatement[] = [];
  if (unscoped.length > 0) {
    statements.push({
      statement: {
        Sid: CI_SIDS.refreshReads,
        Effect: 'Allow',
        Action: unscoped,
        // "*": these actions have no resource type in the Service Authorization Reference, so IAM
        // authorizes them on "*" only (READS_WITHOUT_RESOURCE_TYPES gives each one's reason).
        Resource: '*',
      },
    });
  }
  for (const svc of uniqueSorted(reads.filter((r) => !unscoped.includes(r)).map(service))) {
    const actions = reads.filter((r) => service(r) === svc && !unscoped.includes(r));
    const scopeOf = READ_SCOPE_OF_SERVICE[svc];
    if (!scopeOf) throw new Error(`github-oidc: no resource scope known for the refresh reads of ${svc}`);
    const sid = CI_SIDS.refresh(svc);
    if (scopeOf === 'alias') {
      statements.push({
        family: familyOf(svc),
        statement: {
          Sid: sid,
          Effect: 'Allow',
          Action: actions,
          Resource: `arn:aws:${svc}:*:${scope.accountId}:key/*`,
          // Keys are known by their aliases: only those of the stack, in its regions.
          Condition: {
            'ForAnyValue:StringLike': { 'kms:ResourceAliases': `alias/${scope.namePrefix}*` },
            ...inRegions(scope.regions),
          },
        },
      });
      continue;
    }
    const arns = resources.get(svc) ?? [];
    if (arns.length === 0) continue;
    statements.push({
      family: familyOf(svc),
      statement: {
        Sid: sid,
        Effect: 'Allow',
        Action: actions,
        Resource: [...arns],
        ...(scopeOf === 'regional' ? { Condition: inRegions(scope.regions) } : {}),
      },
    });
  }
  statements.push({
    statement: {
      Sid: CI_SIDS.denySessionData,
      Effect: 'Deny',
      Action: [...SESSION_DATA_ACTIONS],
      // "*": session data must stay unreadable wherever it is, whatever else is attached to the role.
      Resource: '*',
    },
  });
  statements.push(...denyBucketObjects(bucketPatterns).map((statement) => ({ statement })));
  return mergeRegional(statements, CI_SIDS.refreshInRegions);
}

/**
 * The deploy role's changes: each write action of the stack's resource types, on the resource
 * names this stack manages; roles only with the boundary. Regional ARNs have `*` for the region and
 * an `aws:RequestedRegion` condition, so the policies do not grow with the regions.
 */
export function deployStatements(types: readonly ResourceTypeActions[], scope: CiScope): FamilyStatement[] {
  const a = scope.accountId;
  const p = scope.namePrefix;
  const roleArns = [`arn:aws:iam::${a}:role/${p}*`, ...scope.roleNames.map((n) => `arn:aws:iam::${a}:role/${n}`)];
  const resourcesOf: Record<string, () => string[]> = {
    iam: () => [
      ...roleArns,
      `arn:aws:iam::${a}:instance-profile/${p}*`,
      ...scope.samlProviderNames.map((n) => `arn:aws:iam::${a}:saml-provider/${n}`),
    ],
    kms: () => [`arn:aws:kms:*:${a}:key/*`, `arn:aws:kms:*:${a}:alias/${p}*`],
    s3: () => [`arn:aws:s3:::${p}*`],
    logs: () => [
      `arn:aws:logs:*:${a}:log-group:/aws/ssm/${p.replace(/-$/, '')}/*`,
      `arn:aws:logs:*:${a}:log-group:/aws/lambda/${p}*`,
    ],
    ssm: () => scope.documentNames.map((d) => `arn:aws:ssm:*:${a}:document/${d}`),
    lambda: () => [`arn:aws:lambda:*:${a}:function:${p}*`],
    events: () => [`arn:aws:events:*:${a}:rule/${p}*`],
    cloudformation: () => [`arn:aws:cloudformation:*:${a}:stack/${p}*`],
    sns: () => [`arn:aws:sns:*:${a}:${p}*`],
    sqs: () => [`arn:aws:sqs:*:${a}:${p}*`],
    cloudwatch: () => [`arn:aws:cloudwatch:*:${a}:alarm:${p}*`],
    ec2: () =>
      ['vpc', 'subnet', 'route-table', 'security-group', 'security-group-rule', 'vpc-endpoint'].map(
        (kind) => `arn:aws:ec2:*:${a}:${kind}/*`,
      ),
  };
  // IAM and S3 names have no region (S3 calls go to the bucket's own region).
  const global = new Set(['iam', 's3']);
  const writes = uniqueSorted(types.flatMap((t) => t.write));
  const withBoundary = writes.filter((w) => (BOUNDARY_REQUIRED_ACTIONS as readonly string[]).includes(w));
  const passRole = writes.includes('iam:PassRole');
  const plain = writes.filter((w) => !withBoundary.includes(w) && w !== 'iam:PassRole' && w !== 'kms:CreateKey');

  const statements: FamilyStatement[] = [];
  for (const service of uniqueSorted(plain.map((w) => w.split(':')[0]))) {
    const resources = resourcesOf[service];
    if (!resources) throw new Error(`github-oidc: no resource names known for the service ${service}`);
    statements.push({
      family: familyOf(service),
      statement: {
        Sid: CI_SIDS.manage(service),
        Effect: 'Allow',
        Action: plain.filter((w) => w.startsWith(`${service}:`)),
        Resource: resources(),
        ...(global.has(service) ? {} : { Condition: inRegions(scope.regions) }),
      },
    });
  }
  if (writes.includes('kms:CreateKey')) {
    statements.push({
      family: familyOf('kms'),
      statement: {
        Sid: 'CreateKeys',
        Effect: 'Allow',
        Action: 'kms:CreateKey',
        // "*": CreateKey has no resource (the key does not exist yet); everything after it is scoped above.
        Resource: '*',
        Condition: inRegions(scope.regions),
      },
    });
  }
  if (withBoundary.length > 0) {
    statements.push({
      family: familyOf('iam'),
      statement: {
        Sid: CI_SIDS.rolesWithBoundary,
        Effect: 'Allow',
        Action: withBoundary,
        Resource: roleArns,
        Condition: { StringEquals: { 'iam:PermissionsBoundary': scope.boundaryArn } },
      },
    });
  }
  if (passRole) {
    statements.push({
      family: familyOf('iam'),
      statement: {
        Sid: CI_SIDS.passRoles,
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: roleArns,
        Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'lambda.amazonaws.com'] } },
      },
    });
  }
  return mergeRegional(statements, CI_SIDS.manageInRegions);
}

/**
 * The Denies that keep the deploy role from granting more than the boundary or changing the CI
 * roles, whatever else is attached to it. A policy of its own, so that the changes can grow.
 */
export function deployGuardsDocument(scope: CiScope): PolicyDocument {
  return policyDocument([
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
 * The permissions boundary's ceiling: what any role of the stack may ever be granted, by service.
 * It does not depend on the configuration (regions, groups, resource types), so the boundary, a
 * single managed policy, fits IAM's quota by construction. Most services are allowed whole, with
 * the Denies of {@link boundaryDocument} carving out what no role of the stack may do; EC2, IAM and
 * Systems Manager are listed by action family, because their whole services include running and
 * terminating instances, creating users and keys, and running commands as root on every instance.
 * A test checks that every action of the product's roles and of every registry entry is under it.
 */
export const BOUNDARY_CEILING: readonly string[] = [
  'cloudformation:*',
  'cloudwatch:*',
  'ec2:Describe*',
  'ec2:*Tags',
  'ec2:*SecurityGroup*',
  'ec2:*VpcEndpoint*',
  'ec2messages:*',
  'events:*',
  'iam:Get*',
  'iam:List*',
  'iam:*Role*',
  'iam:*InstanceProfile*',
  'iam:*SAMLProvider*',
  'identitystore:Describe*',
  'identitystore:Get*',
  'identitystore:List*',
  'kms:*',
  'lambda:*',
  'logs:*',
  'organizations:Describe*',
  'organizations:List*',
  's3:*',
  'sns:*',
  'sqs:*',
  'ssm:Describe*',
  'ssm:Get*',
  'ssm:List*',
  'ssm:*Session',
  'ssm:*Document*',
  'ssm:*Tags*',
  'ssm:*OpsItem*',
  'ssm:*AccessRequest',
  'ssm:*AutomationExecution',
  'ssm:SendAutomationSignal',
  'ssm:UpdateInstanceInformation',
  'ssm-quicksetup:Get*',
  'ssm-quicksetup:List*',
  'ssmmessages:*',
  'sso:Describe*',
  'sso:Get*',
  'sso:List*',
  'xray:Put*',
];

/** What no role of the stack may do to the audit trail, whatever its own policy says. */
const AUDIT_DATA_LOSS_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'logs:DeleteLogGroup', 's3:DeleteBucket'];

/**
 * The permissions boundary of every role the stack creates: the service ceiling
 * ({@link BOUNDARY_CEILING}) and explicit Denies: no session data, no transcript objects, nothing
 * that destroys the audit trail, no role without this boundary, and no change to the boundary.
 * The same size for every configuration.
 */
export function boundaryDocument(boundaryArn: string, bucketPatterns: readonly string[] = []): PolicyDocument {
  // No role of the product reads session data; the federated role starts sessions and the agent
  // decrypts, so those two stay with the roles' own policies.
  const dataReads = SESSION_DATA_ACTIONS.filter(
    (a) => !['kms:Decrypt', 'ssm:StartSession', 'ssm:ResumeSession'].includes(a),
  );
  return policyDocument([
    {
      Sid: CI_SIDS.boundaryCeiling,
      Effect: 'Allow',
      Action: [...BOUNDARY_CEILING],
      // "*": a boundary only caps what a role's own policies may grant; those name the resources.
      Resource: '*',
      // Sessions started without --document-name are checked against the document grants too.
      Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    },
    {
      Sid: CI_SIDS.boundarySessionData,
      Effect: 'Deny',
      Action: dataReads,
      // "*": a role the deploy role creates must not read session data either, whatever its policy says.
      Resource: '*',
    },
    ...denyBucketObjects(bucketPatterns),
    {
      Sid: CI_SIDS.boundaryAuditData,
      Effect: 'Deny',
      Action: AUDIT_DATA_LOSS_ACTIONS,
      // "*": keys, log groups and buckets of transcripts are deleted by an administrator only.
      Resource: '*',
    },
    {
      Sid: CI_SIDS.denyWithoutBoundary,
      Effect: 'Deny',
      Action: [...BOUNDARY_REQUIRED_ACTIONS],
      // "*": no role under the boundary creates or grants to a role without it.
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
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
  ]);
}

/** No reading of the objects in the stack's buckets (none where the stack has no bucket), by name pattern. */
function denyBucketObjects(bucketPatterns: readonly string[]): PolicyStatement[] {
  if (bucketPatterns.length === 0) return [];
  return [
    {
      Sid: CI_SIDS.denyBucketObjects,
      Effect: 'Deny',
      Action: 's3:GetObject*',
      // Transcripts and access logs; the state object lives in another bucket and stays readable.
      Resource: [...bucketPatterns].sort().map((b) => `arn:aws:s3:::${b}/*`),
    },
  ];
}
