import type { PolicyDocument } from '../../../modules/core/policy-document';
import { CI_SIDS } from '../../../modules/github-oidc/ci-policies';
import type { ResolvedDestination, SynthesizedCiAccess } from '../access-model';
import type { Decision } from '../evaluator';
import type { CaseRow, MatrixContext } from '../matrix-context';
import { SESSION_ID } from '../matrix-context';
import { ATTACHED_LATER, BESIDE_ALLOW_ALL, type CiRequest, ciRows, transcriptOf } from './ci-roles';

/**
 * The deploy role: changes within the boundary, never beyond it, never to the CI roles; and the
 * boundary itself: a role created with it and an allow-all policy still gets only the product's actions.
 */

const ADMIN_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

type Request = CiRequest;

/** The names the deploy role's rows act on. */
function deployTargets(m: MatrixContext, ci: SynthesizedCiAccess) {
  const iam = (kind: string, name: string) => `arn:aws:iam::${m.account}:${kind}/${name}`;
  const newRole = iam('role', `${m.environment}-new-role`);
  return {
    iam,
    newRole,
    // The instance role as the stack describes it: a role the deploy role manages, with the boundary
    // (a stack without one: a role of the stack's prefix, as the deploy role would create it).
    managedRole: m.access.instanceRoleName ? iam('role', m.access.instanceRoleName) : newRole,
    otherBoundary: iam('policy', `${m.environment}-wider-boundary`),
    withBoundary: { 'iam:PermissionsBoundary': ci.boundaryArn },
  };
}

/** One region's audit data, which the deploy role never deletes, and the session key's rotation it manages. */
function auditDataRequests(m: MatrixContext, d: ResolvedDestination): Request[] {
  // The boundary's DenyAuditDataLoss (CI_SIDS.boundaryAuditData), whatever the role's own policies say.
  const auditDataLoss = 'ExplicitlyDenied';
  const inRegion = (region: string) => ({ 'aws:RequestedRegion': region });
  return [
    ...(d.s3Bucket
      ? [
          {
            description: `delete the transcript bucket in ${d.region} (audit data)`,
            action: 's3:DeleteBucket',
            resource: `arn:aws:s3:::${d.s3Bucket}`,
            expected: auditDataLoss,
          } as const,
        ]
      : []),
    ...(d.logGroup
      ? [
          {
            description: `delete the session log group in ${d.region} (audit data)`,
            action: 'logs:DeleteLogGroup',
            resource: `arn:aws:logs:${d.region}:${m.account}:log-group:${d.logGroup}`,
            context: inRegion(d.region),
            expected: auditDataLoss,
          } as const,
        ]
      : []),
    ...(d.kmsKeyArn
      ? [
          {
            description: `schedule the deletion of the session key in ${d.region} (audit data)`,
            action: 'kms:ScheduleKeyDeletion',
            resource: d.kmsKeyArn,
            context: inRegion(d.region),
            expected: auditDataLoss,
            ...(d.keyPolicy ? { resourcePolicy: d.keyPolicy } : {}),
          } as const,
          {
            description: `turn on the session key's rotation in ${d.region}`,
            action: 'kms:EnableKeyRotation',
            resource: d.kmsKeyArn,
            context: inRegion(d.region),
            expected: 'Allowed',
            sid: CI_SIDS.manageInRegions('Storage'),
            ...(d.keyPolicy ? { resourcePolicy: d.keyPolicy } : {}),
          } as const,
        ]
      : []),
  ];
}

/** What the deploy role's own policies allow: its changes, and the audit data and other teams' resources it may not touch. */
function deployChangeRequests(m: MatrixContext, ci: SynthesizedCiAccess): Request[] {
  const { iam, newRole, managedRole, withBoundary } = deployTargets(m, ci);
  const state = m.access.model.ci?.state;
  const destinationRequests = m.access.destinations.flatMap((d) => auditDataRequests(m, d));
  return [
    {
      description: 'create a role with the boundary',
      action: 'iam:CreateRole',
      resource: newRole,
      context: withBoundary,
      expected: 'Allowed',
      sid: CI_SIDS.rolesWithBoundary,
    },
    {
      description: "change the instance role's policy (it carries the boundary)",
      action: 'iam:PutRolePolicy',
      resource: managedRole,
      context: withBoundary,
      expected: 'Allowed',
      sid: CI_SIDS.rolesWithBoundary,
    },
    {
      description: 'pass the instance role to EC2',
      action: 'iam:PassRole',
      resource: managedRole,
      context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      expected: 'Allowed',
      sid: CI_SIDS.passRoles,
    },
    ...destinationRequests,
    {
      description: "shorten the retention of another team's log group",
      action: 'logs:PutRetentionPolicy',
      resource: `arn:aws:logs:${m.primary}:${m.account}:log-group:/aws/other-team/app`,
      expected: 'ImplicitlyDenied',
    },
    ...m.access.destinations
      .filter((d) => d.s3Bucket && !d.s3BucketManagedElsewhere)
      .map((d): Request => ({
        description: `change the transcript bucket's lifecycle in ${d.region}`,
        action: 's3:PutLifecycleConfiguration',
        resource: `arn:aws:s3:::${d.s3Bucket}`,
        expected: 'Allowed',
        sid: CI_SIDS.manage('S3'),
      })),
    ...(state
      ? [
          {
            description: 'write the Terraform state object',
            action: 's3:PutObject',
            resource: `arn:aws:s3:::${state.bucket}/${state.key}`,
            expected: 'Allowed',
            sid: 'WriteState',
          } as const,
        ]
      : []),
    {
      description: 'change a role of another team',
      action: 'iam:UpdateAssumeRolePolicy',
      resource: iam('role', 'OtherTeamRole'),
      expected: 'ImplicitlyDenied',
    },
    {
      description: 'create a role outside its name prefixes, with the boundary',
      action: 'iam:CreateRole',
      resource: iam('role', 'other-team-role'),
      context: withBoundary,
      expected: 'ImplicitlyDenied',
    },
    {
      description: 'pass the instance role to another service',
      action: 'iam:PassRole',
      resource: managedRole,
      context: { 'iam:PassedToService': 'glue.amazonaws.com' },
      expected: 'ImplicitlyDenied',
    },
  ];
}

/** What no policy of the deploy role can allow: the boundary's and the CI roles' Denies. */
function deployGuardRequests(m: MatrixContext, ci: SynthesizedCiAccess): Request[] {
  const { iam, newRole, managedRole, otherBoundary, withBoundary } = deployTargets(m, ci);
  const denied = (sid: string) => ({ expected: 'ExplicitlyDenied', sid }) as const;
  const deployer = iam('user', 'deployer');
  return [
    {
      description: 'create a role without the boundary',
      action: 'iam:CreateRole',
      resource: newRole,
      ...denied(CI_SIDS.denyWithoutBoundary),
    },
    {
      description: 'create a role with another boundary',
      action: 'iam:CreateRole',
      resource: newRole,
      context: { 'iam:PermissionsBoundary': otherBoundary },
      ...denied(CI_SIDS.denyWithoutBoundary),
    },
    {
      description: 'replace the boundary of a role it manages',
      action: 'iam:PutRolePermissionsBoundary',
      resource: managedRole,
      context: { 'iam:PermissionsBoundary': otherBoundary },
      ...denied(CI_SIDS.denyWithoutBoundary),
    },
    {
      description: 'remove the boundary of a role it manages',
      action: 'iam:DeleteRolePermissionsBoundary',
      resource: managedRole,
      ...denied(CI_SIDS.denyBoundaryRemoval),
    },
    ...ADMIN_POLICIES.map((policy) => ({
      description: `attach ${policy} to a role it manages`,
      action: 'iam:AttachRolePolicy',
      resource: managedRole,
      context: { ...withBoundary, 'iam:PolicyARN': `arn:aws:iam::aws:policy/${policy}` },
      ...denied(CI_SIDS.denyAwsManagedPolicies),
    })),
    ...['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy'].map((action) => ({
      description: 'change or delete the boundary policy',
      action,
      resource: ci.boundaryArn,
      ...denied(CI_SIDS.denyCiPolicyChanges),
    })),
    ...[ci.deployRoleName, ci.planRoleName].flatMap((role) => [
      {
        description: `change the trust of the CI role ${role}`,
        action: 'iam:UpdateAssumeRolePolicy',
        resource: iam('role', role),
        ...denied(CI_SIDS.denyCiRoleChanges),
      },
      {
        description: `add a policy to the CI role ${role}`,
        action: 'iam:PutRolePolicy',
        resource: iam('role', role),
        context: withBoundary,
        ...denied(CI_SIDS.denyCiRoleChanges),
      },
    ]),
    ...['iam:CreateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'].map((action) => ({
      description: 'create a user or long-lived credentials',
      action,
      resource: deployer,
      ...denied(CI_SIDS.denyUsersAndKeys),
    })),
    ...m.access.destinations
      .filter((d) => d.logGroup)
      .map((d) => ({
        description: `read session log events in ${d.region}`,
        action: 'logs:GetLogEvents',
        resource: `arn:aws:logs:${d.region}:${m.account}:log-group:${d.logGroup}:log-stream:${SESSION_ID}`,
        ...denied(CI_SIDS.denySessionData),
      })),
  ];
}

export function deployRoleRows(m: MatrixContext, ci: SynthesizedCiAccess): CaseRow[] {
  const rows = (identity: readonly PolicyDocument[], requests: Request[], suffix = '') =>
    ciRows(m, ci, 'ci deploy role', ci.deployRoleName, identity, requests, suffix);
  const besideAllowAll = [...ci.deployPolicies, ATTACHED_LATER];
  return [
    ...rows(ci.deployPolicies, [...deployChangeRequests(m, ci), ...deployGuardRequests(m, ci)]),
    ...rows(besideAllowAll, deployGuardRequests(m, ci), BESIDE_ALLOW_ALL),
  ];
}

/** A new role with the boundary and an allow-all policy: only the product's actions, no audit data, no secrets. */
export function boundaryRows(m: MatrixContext, ci: SynthesizedCiAccess): CaseRow[] {
  const { account, primary } = m;
  const refused = (
    description: string,
    action: string,
    resource: string,
    expected: Decision = 'ExplicitlyDenied',
  ): Request => ({ description, action, resource, expected });
  const requests: Request[] = [
    {
      description: 'describe instances',
      action: 'ec2:DescribeInstances',
      resource: '*',
      expected: 'Allowed',
      sid: 'AttachedLaterAllowsAll',
    },
    refused('create a user', 'iam:CreateUser', `arn:aws:iam::${account}:user/someone`, 'ImplicitlyDenied'),
    refused('terminate an instance', 'ec2:TerminateInstances', m.instance(primary), 'ImplicitlyDenied'),
    refused(
      'read a secret',
      'secretsmanager:GetSecretValue',
      `arn:aws:secretsmanager:${primary}:${account}:secret:app-AbCdEf`,
    ),
    ...m.access.destinations.flatMap((d) => [
      // A central bucket's reads are its own account's to refuse (see the plan role's rows).
      ...(d.s3Bucket && !d.s3BucketManagedElsewhere
        ? [refused(`read a transcript in ${d.region}`, 's3:GetObject', transcriptOf(d))]
        : []),
      ...(d.logGroup
        ? [
            refused(
              `read session log events in ${d.region}`,
              'logs:GetLogEvents',
              `arn:aws:logs:${d.region}:${account}:log-group:${d.logGroup}:log-stream:${SESSION_ID}`,
            ),
          ]
        : []),
    ]),
    refused('change the boundary policy', 'iam:CreatePolicyVersion', ci.boundaryArn),
  ];
  const suffix = ' (a new role with the boundary and an allow-all policy)';
  return ciRows(m, ci, 'permissions boundary', `${m.environment}-new-role`, [ATTACHED_LATER], requests, suffix);
}
