import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { CI_SIDS } from '../../modules/github-oidc/ci-policies';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import { centralBucketKeys, centralKeyPolicyStandIn } from './access-matrix-central-key';
import { type AccessModel, type ResolvedDestination, type SynthesizedCiAccess, launchTaggerName } from './access-model';
import { type Decision, evaluate } from './evaluator';
import type { AccessCase, CiArea } from './matrix-case';
import { readResolvedPolicy } from './policies';

export type { SynthesizedCiAccess } from './access-model';
export type { CiArea } from './matrix-case';

/**
 * The GitHub Actions roles in the access matrix: what the plan and deploy roles may and may not
 * do, evaluated on their policies and the permissions boundary as synthesized. Read by
 * `accessMatrix` (access-matrix.ts) through `ciRoleCases`.
 *
 * Settings read (the stack's {@link AccessModel}): the session policy's environment, account and
 * regions, the CI roles' names and state location, the launch taggers and the kind of identity.
 */

interface Resource {
  readonly name?: string;
  readonly role?: string;
  readonly policy_arn?: string;
  readonly policy?: string;
  readonly permissions_boundary?: string;
}

const REF = /^\$\{aws_iam_(role|policy)\.([\w-]+)\.(name|arn|id)\}$/;

/** The CI roles' policies in a synthesized stack; undefined where the environment has no `ci`. */
export function readCiAccess(model: AccessModel, stack: SynthesizedStack): SynthesizedCiAccess | undefined {
  if (!model.ci) return undefined;
  const resources = (type: string) => (stack.json.resource?.[type] ?? {}) as Record<string, Resource>;
  const roles = resources('aws_iam_role');
  const managed = resources('aws_iam_policy');
  const roleNameOf = (ref: string) => {
    const m = REF.exec(ref);
    return m ? roles[m[2]]?.name : ref;
  };
  const names = { plan: model.ci.planRoleName, deploy: model.ci.deployRoleName };
  const policiesOf = (roleName: string): PolicyDocument[] => [
    ...Object.values(resources('aws_iam_role_policy_attachment'))
      .filter((a) => roleNameOf(String(a.role)) === roleName)
      .map((a) => {
        const m = REF.exec(String(a.policy_arn));
        if (!m)
          throw new Error(`${stack.name}: ${roleName} has an attachment of ${a.policy_arn}, not a policy of the stack`);
        return readResolvedPolicy(stack, managed[m[2]].policy!);
      }),
    ...Object.values(resources('aws_iam_role_policy'))
      .filter((p) => roleNameOf(String(p.role)) === roleName)
      .map((p) => readResolvedPolicy(stack, p.policy!)),
  ];
  const planRole = Object.values(roles).find((r) => r.name === names.plan)!;
  const boundaryRef = REF.exec(String(planRole.permissions_boundary));
  if (!boundaryRef) throw new Error(`${stack.name}: the plan role carries no permissions boundary of the stack`);
  const boundary = managed[boundaryRef[2]];
  return {
    planRoleName: names.plan,
    deployRoleName: names.deploy,
    boundaryArn: `arn:aws:iam::${model.ci.accountId}:policy/${boundary.name}`,
    planPolicies: policiesOf(names.plan),
    deployPolicies: policiesOf(names.deploy),
    boundary: readResolvedPolicy(stack, boundary.policy!),
  };
}

/** One case of the CI part of the matrix: a matrix case in one of the CI areas. */
export type CiAccessCase = Omit<AccessCase, 'area' | 'unsafe'> & { readonly area: CiArea };

/** A policy standing for any managed policy attached later (ReadOnlyAccess, AdministratorAccess). */
export const ATTACHED_LATER: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AttachedLaterAllowsAll', Effect: 'Allow', Action: '*', Resource: '*' }],
};

const ADMIN_POLICIES = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

/** A role's session, as the evaluator sees it. */
function roleRequest(
  account: string,
  roleName: string,
  action: string,
  resource: string,
  context: Record<string, string | string[]>,
): Simulation['request'] {
  return {
    principal: `arn:aws:sts::${account}:assumed-role/${roleName}/GitHubActions`,
    action,
    resource: { resource, accountId: /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? account },
    contextVariables: {
      'aws:PrincipalArn': `arn:aws:iam::${account}:role/${roleName}`,
      'aws:PrincipalAccount': account,
      'aws:SecureTransport': 'true',
      ...context,
    },
  };
}

/** The evaluator's input for one request of a role with these policies and boundary. */
export function roleSimulation(
  account: string,
  roleName: string,
  identity: readonly PolicyDocument[],
  boundary: PolicyDocument | undefined,
  call: {
    action: string;
    resource: string;
    context?: Record<string, string | string[]>;
    resourcePolicy?: PolicyDocument;
  },
): Simulation {
  return {
    request: roleRequest(account, roleName, call.action, call.resource, call.context ?? {}),
    identityPolicies: identity.map((policy, i) => ({ name: `policy-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] } : {}),
    ...(call.resourcePolicy ? { resourcePolicy: call.resourcePolicy } : {}),
  };
}

/** One API call as IAM authorizes it: an action on a resource ARN. */
export interface AuthorizedCall {
  readonly action: string;
  readonly resource: string;
  /** Why the call is made, for the failure message (e.g. `aws_s3_bucket refresh: GetBucketAcl`). */
  readonly reason?: string;
  /** The resource's own policy where it decides too (a KMS key policy). */
  readonly resourcePolicy?: PolicyDocument;
  /** Request context, such as the `aws:RequestedRegion` of a regional call. */
  readonly context?: Record<string, string | string[]>;
}

/**
 * The calls a role may not make with these policies (and boundary): empty when every one is
 * allowed. Reusable for any list of calls, such as the reads of a real `terraform plan` taken
 * from an API log.
 */
export async function disallowedCalls(
  account: string,
  roleName: string,
  identity: readonly PolicyDocument[],
  boundary: PolicyDocument | undefined,
  calls: readonly AuthorizedCall[],
): Promise<string[]> {
  const denied: string[] = [];
  for (const call of calls) {
    const { decision } = await evaluate(roleSimulation(account, roleName, identity, boundary, call));
    if (decision !== 'Allowed') {
      denied.push(`${call.action} on ${call.resource}${call.reason ? ` (${call.reason})` : ''}: ${decision}`);
    }
  }
  return denied;
}

type Destination = ResolvedDestination;

/** The CI roles' cases: both sides for the plan role, the deploy role and the boundary. */
export function ciRoleCases(
  model: AccessModel,
  ci: SynthesizedCiAccess | undefined,
  destinations: readonly Destination[],
  instanceRoleName?: string,
): CiAccessCase[] {
  if (!ci) return [];
  const { accountId: account, environment, regions } = model.sessionPolicy;
  const [primary] = regions;
  const prefix = `${environment}-`;
  // The launch tagger's function, queue and role are the stack's only for SAML environments here.
  const samlTagger = model.launchTaggers.length > 0 && model.identity.part === 'federated-role';
  const cases: CiAccessCase[] = [];
  const add = (
    area: CiAccessCase['area'],
    roleName: string,
    identity: readonly PolicyDocument[],
    c: Omit<CiAccessCase, 'area' | 'principal' | 'simulation'> & {
      context?: Record<string, string | string[]>;
      resourcePolicy?: PolicyDocument;
      principalLabel?: string;
    },
  ) => {
    const { context, resourcePolicy, principalLabel, ...rest } = c;
    cases.push({
      ...rest,
      area,
      principal: principalLabel ?? `role ${roleName}`,
      simulation: roleSimulation(account, roleName, identity, ci.boundary, {
        action: c.action,
        resource: c.resource,
        ...(context ? { context } : {}),
        ...(resourcePolicy ? { resourcePolicy } : {}),
      }),
    });
  };
  const instance = `arn:aws:ec2:${primary}:${account}:instance/i-0123456789abcdef0`;
  const queue = (region: string) => `arn:aws:sqs:${region}:${account}:${launchTaggerName(model)}-dead-letters`;
  const state = model.ci?.state ? `arn:aws:s3:::${model.ci.state.bucket}/${model.ci.state.key}` : undefined;

  // The plan role: what a refresh reads, and no session data, even beside a policy that allows everything.
  for (const [label, identity] of [
    ['', ci.planPolicies],
    [' (beside an attached allow-all policy)', [...ci.planPolicies, ATTACHED_LATER]],
  ] as const) {
    const plan = (c: Parameters<typeof add>[3]) =>
      add('ci plan role', ci.planRoleName, identity, { ...c, description: `${c.description}${label}` });
    const extra = label !== '';
    for (const d of destinations) {
      if (d.s3Bucket && d.s3BucketManagedElsewhere) {
        // A central bucket is not the stack's: nothing here refreshes it, and its own account's bucket
        // policy decides who reads it. The plan role's explicit Deny names the stack's buckets only,
        // so this side is the one the stack can show: nothing of its own grants the read.
        if (!extra) {
          plan({
            description: `read a transcript in the central bucket from ${d.region}`,
            action: 's3:GetObject',
            resource: `arn:aws:s3:::${d.s3Bucket}/${d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : ''}alice-0123456789abcdef0.log`,
            expected: 'ImplicitlyDenied',
          });
        }
      } else if (d.s3Bucket) {
        if (!extra) {
          for (const action of ['s3:GetBucketPolicy', 's3:GetEncryptionConfiguration', 's3:GetBucketVersioning']) {
            plan({
              description: `read the transcript bucket's configuration in ${d.region}`,
              action,
              resource: `arn:aws:s3:::${d.s3Bucket}`,
              expected: 'Allowed',
              expectedSid: CI_SIDS.refresh('S3'),
            });
          }
        }
        plan({
          description: `read a transcript in ${d.region}`,
          action: 's3:GetObject',
          resource: `arn:aws:s3:::${d.s3Bucket}/${d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : ''}alice-0123456789abcdef0.log`,
          expected: 'ExplicitlyDenied',
          expectedSid: CI_SIDS.denyBucketObjects,
        });
      }
      if (d.logGroup) {
        const group = `arn:aws:logs:${d.region}:${account}:log-group:${d.logGroup}`;
        if (!extra) {
          plan({
            description: `list log groups in ${d.region}`,
            action: 'logs:DescribeLogGroups',
            // DescribeLogGroups lists groups: IAM authorizes it on "*".
            resource: '*',
            expected: 'Allowed',
            expectedSid: CI_SIDS.refreshReads,
          });
        }
        const stream = `${group}:log-stream:alice-0123456789abcdef0`;
        for (const [action, resource, what] of [
          ['logs:GetLogEvents', stream, 'read session log events'],
          ['logs:FilterLogEvents', group, 'search session log events'],
          ['logs:StartQuery', group, 'start a Logs Insights query'],
          ['logs:StartLiveTail', group, 'start a live tail'],
        ] as const) {
          plan({
            description: `${what} in ${d.region}`,
            action,
            resource,
            expected: 'ExplicitlyDenied',
            expectedSid: CI_SIDS.denySessionData,
          });
        }
      }
      if (d.kmsKeyArn) {
        const keyPolicy = d.keyPolicy ? { resourcePolicy: d.keyPolicy } : {};
        if (!extra) {
          for (const action of ['kms:DescribeKey', 'kms:GetKeyPolicy']) {
            plan({
              description: `read the session key's configuration in ${d.region}`,
              action,
              resource: d.kmsKeyArn,
              context: { 'aws:RequestedRegion': d.region, 'kms:ResourceAliases': [...(d.kmsKeyAliases ?? [])] },
              expected: 'Allowed',
              expectedSid: CI_SIDS.refresh('Kms'),
              ...keyPolicy,
            });
          }
          // Another key of the account, whose key policy lets IAM policies grant as the stack's does.
          plan({
            description: `read the policy of a key the stack does not manage in ${d.region}`,
            action: 'kms:GetKeyPolicy',
            resource: d.kmsKeyArn.replace(/key\/.*$/, 'key/00000000-1111-4222-8333-444444444444'),
            context: { 'aws:RequestedRegion': d.region, 'kms:ResourceAliases': ['alias/other-team-data'] },
            expected: 'ImplicitlyDenied',
            ...keyPolicy,
          });
        }
        plan({
          description: `decrypt with the session key in ${d.region}`,
          action: 'kms:Decrypt',
          resource: d.kmsKeyArn,
          expected: 'ExplicitlyDenied',
          expectedSid: CI_SIDS.denySessionData,
          ...keyPolicy,
        });
      }
      for (const central of centralBucketKeys([d])) {
        plan({
          description: `decrypt transcripts with the central bucket's key (${d.region})`,
          action: 'kms:Decrypt',
          resource: central.keyArn,
          context: { 'kms:ViaService': central.viaS3 },
          expected: 'ExplicitlyDenied',
          expectedSid: CI_SIDS.denySessionData,
          resourcePolicy: centralKeyPolicyStandIn(account),
        });
      }
    }
    if (samlTagger) {
      plan({
        description: `receive a dead letter of the launch tagger in ${primary}`,
        action: 'sqs:ReceiveMessage',
        resource: queue(primary),
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denySessionData,
      });
    }
    plan({
      description: 'start a session on an instance',
      action: 'ssm:StartSession',
      resource: instance,
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denySessionData,
    });
    plan({
      description: 'read a parameter',
      action: 'ssm:GetParameter',
      resource: `arn:aws:ssm:${primary}:${account}:parameter/app/db-password`,
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denySessionData,
    });
    plan({
      description: 'read a secret',
      action: 'secretsmanager:GetSecretValue',
      resource: `arn:aws:secretsmanager:${primary}:${account}:secret:app-AbCdEf`,
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denySessionData,
    });
  }
  if (state) {
    add('ci plan role', ci.planRoleName, ci.planPolicies, {
      description: 'read the Terraform state object',
      action: 's3:GetObject',
      resource: state,
      expected: 'Allowed',
      expectedSid: 'ReadState',
    });
    add('ci plan role', ci.planRoleName, ci.planPolicies, {
      description: 'overwrite the Terraform state object',
      action: 's3:PutObject',
      resource: state,
      expected: 'ImplicitlyDenied',
    });
  }
  // Configuration reads name the stack's resources: no other role's, bucket's or key's (keys above).
  for (const action of ['iam:GetRole', 'iam:GetRolePolicy']) {
    add('ci plan role', ci.planRoleName, ci.planPolicies, {
      description: 'read a role of the stack (refresh)',
      action,
      // The instance role, as the stack describes it (else the plan role itself, a role of the stack too).
      resource: `arn:aws:iam::${account}:role/${instanceRoleName ?? ci.planRoleName}`,
      expected: 'Allowed',
      expectedSid: CI_SIDS.refresh('Iam'),
    });
    add('ci plan role', ci.planRoleName, ci.planPolicies, {
      description: 'read a role the stack does not manage',
      action,
      resource: `arn:aws:iam::${account}:role/OtherTeamRole`,
      expected: 'ImplicitlyDenied',
    });
  }
  add('ci plan role', ci.planRoleName, ci.planPolicies, {
    description: 'read the policy of a bucket the stack does not manage',
    action: 's3:GetBucketPolicy',
    resource: `arn:aws:s3:::other-team-bucket-${account}`,
    expected: 'ImplicitlyDenied',
  });
  if (samlTagger) {
    add('ci plan role', ci.planRoleName, ci.planPolicies, {
      description: "read the launch tagger function's configuration (refresh)",
      action: 'lambda:GetFunction',
      resource: `arn:aws:lambda:${primary}:${account}:function:${launchTaggerName(model)}`,
      context: { 'aws:RequestedRegion': primary },
      expected: 'Allowed',
      expectedSid: CI_SIDS.refreshInRegions('Services'),
    });
    // Not a region of the stack, nor one of the break-glass sign-in alarms'.
    const elsewhere = ['sa-east-1', 'ca-central-1', 'ap-south-1'].find((r) => !regions.includes(r))!;
    add('ci plan role', ci.planRoleName, ci.planPolicies, {
      description: 'read a function of the same name in a region the stack does not manage',
      action: 'lambda:GetFunction',
      resource: `arn:aws:lambda:${elsewhere}:${account}:function:${launchTaggerName(model)}`,
      context: { 'aws:RequestedRegion': elsewhere },
      expected: 'ImplicitlyDenied',
    });
  }
  add('ci plan role', ci.planRoleName, ci.planPolicies, {
    description: "read another function's code and environment",
    action: 'lambda:GetFunction',
    resource: `arn:aws:lambda:${primary}:${account}:function:payments-api`,
    context: { 'aws:RequestedRegion': primary },
    expected: 'ImplicitlyDenied',
  });
  add('ci plan role', ci.planRoleName, ci.planPolicies, {
    description: 'create a role',
    action: 'iam:CreateRole',
    resource: `arn:aws:iam::${account}:role/${prefix}new-role`,
    context: { 'iam:PermissionsBoundary': ci.boundaryArn },
    expected: 'ImplicitlyDenied',
  });

  // The deploy role: changes within the boundary, never beyond it, never to the CI roles.
  // The instance role as the stack describes it: a role the deploy role manages, with the boundary
  // (a stack without one: a role of the stack's prefix, as the deploy role would create it).
  const newRole = `arn:aws:iam::${account}:role/${prefix}new-role`;
  const managedRole = instanceRoleName ? `arn:aws:iam::${account}:role/${instanceRoleName}` : newRole;
  const otherBoundary = `arn:aws:iam::${account}:policy/${prefix}wider-boundary`;
  for (const [label, identity] of [
    ['', ci.deployPolicies],
    [' (beside an attached allow-all policy)', [...ci.deployPolicies, ATTACHED_LATER]],
  ] as const) {
    const extra = label !== '';
    // The boundary's DenyAuditDataLoss (CI_SIDS.boundaryAuditData), whatever the role's own policies say.
    const auditDataLoss = { expected: 'ExplicitlyDenied' } as const;
    const deploy = (c: Parameters<typeof add>[3]) =>
      add('ci deploy role', ci.deployRoleName, identity, { ...c, description: `${c.description}${label}` });
    if (!extra) {
      deploy({
        description: 'create a role with the boundary',
        action: 'iam:CreateRole',
        resource: newRole,
        context: { 'iam:PermissionsBoundary': ci.boundaryArn },
        expected: 'Allowed',
        expectedSid: CI_SIDS.rolesWithBoundary,
      });
      deploy({
        description: "change the instance role's policy (it carries the boundary)",
        action: 'iam:PutRolePolicy',
        resource: managedRole,
        context: { 'iam:PermissionsBoundary': ci.boundaryArn },
        expected: 'Allowed',
        expectedSid: CI_SIDS.rolesWithBoundary,
      });
      deploy({
        description: 'pass the instance role to EC2',
        action: 'iam:PassRole',
        resource: managedRole,
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
        expected: 'Allowed',
        expectedSid: CI_SIDS.passRoles,
      });
      for (const d of destinations) {
        if (d.s3Bucket) {
          deploy({
            description: `delete the transcript bucket in ${d.region} (audit data)`,
            action: 's3:DeleteBucket',
            resource: `arn:aws:s3:::${d.s3Bucket}`,
            ...auditDataLoss,
          });
        }
        if (d.logGroup) {
          deploy({
            description: `delete the session log group in ${d.region} (audit data)`,
            action: 'logs:DeleteLogGroup',
            resource: `arn:aws:logs:${d.region}:${account}:log-group:${d.logGroup}`,
            context: { 'aws:RequestedRegion': d.region },
            ...auditDataLoss,
          });
        }
        if (d.kmsKeyArn) {
          deploy({
            description: `schedule the deletion of the session key in ${d.region} (audit data)`,
            action: 'kms:ScheduleKeyDeletion',
            resource: d.kmsKeyArn,
            context: { 'aws:RequestedRegion': d.region },
            ...auditDataLoss,
            ...(d.keyPolicy ? { resourcePolicy: d.keyPolicy } : {}),
          });
          deploy({
            description: `turn on the session key's rotation in ${d.region}`,
            action: 'kms:EnableKeyRotation',
            resource: d.kmsKeyArn,
            context: { 'aws:RequestedRegion': d.region },
            expected: 'Allowed',
            expectedSid: CI_SIDS.manageInRegions('Storage'),
            ...(d.keyPolicy ? { resourcePolicy: d.keyPolicy } : {}),
          });
        }
      }
      deploy({
        description: "shorten the retention of another team's log group",
        action: 'logs:PutRetentionPolicy',
        resource: `arn:aws:logs:${primary}:${account}:log-group:/aws/other-team/app`,
        expected: 'ImplicitlyDenied',
      });
      for (const d of destinations.filter((x) => x.s3Bucket && !x.s3BucketManagedElsewhere)) {
        deploy({
          description: `change the transcript bucket's lifecycle in ${d.region}`,
          action: 's3:PutLifecycleConfiguration',
          resource: `arn:aws:s3:::${d.s3Bucket}`,
          expected: 'Allowed',
          expectedSid: CI_SIDS.manage('S3'),
        });
      }
      if (state) {
        deploy({
          description: 'write the Terraform state object',
          action: 's3:PutObject',
          resource: state,
          expected: 'Allowed',
          expectedSid: 'WriteState',
        });
      }
      deploy({
        description: 'change a role of another team',
        action: 'iam:UpdateAssumeRolePolicy',
        resource: `arn:aws:iam::${account}:role/OtherTeamRole`,
        expected: 'ImplicitlyDenied',
      });
      deploy({
        description: 'create a role outside its name prefixes, with the boundary',
        action: 'iam:CreateRole',
        resource: `arn:aws:iam::${account}:role/other-team-role`,
        context: { 'iam:PermissionsBoundary': ci.boundaryArn },
        expected: 'ImplicitlyDenied',
      });
      deploy({
        description: 'pass the instance role to another service',
        action: 'iam:PassRole',
        resource: managedRole,
        context: { 'iam:PassedToService': 'glue.amazonaws.com' },
        expected: 'ImplicitlyDenied',
      });
    }
    deploy({
      description: 'create a role without the boundary',
      action: 'iam:CreateRole',
      resource: newRole,
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denyWithoutBoundary,
    });
    deploy({
      description: 'create a role with another boundary',
      action: 'iam:CreateRole',
      resource: newRole,
      context: { 'iam:PermissionsBoundary': otherBoundary },
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denyWithoutBoundary,
    });
    deploy({
      description: 'replace the boundary of a role it manages',
      action: 'iam:PutRolePermissionsBoundary',
      resource: managedRole,
      context: { 'iam:PermissionsBoundary': otherBoundary },
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denyWithoutBoundary,
    });
    deploy({
      description: 'remove the boundary of a role it manages',
      action: 'iam:DeleteRolePermissionsBoundary',
      resource: managedRole,
      expected: 'ExplicitlyDenied',
      expectedSid: CI_SIDS.denyBoundaryRemoval,
    });
    for (const policy of ADMIN_POLICIES) {
      deploy({
        description: `attach ${policy} to a role it manages`,
        action: 'iam:AttachRolePolicy',
        resource: managedRole,
        context: {
          'iam:PermissionsBoundary': ci.boundaryArn,
          'iam:PolicyARN': `arn:aws:iam::aws:policy/${policy}`,
        },
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denyAwsManagedPolicies,
      });
    }
    for (const action of ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy']) {
      deploy({
        description: 'change or delete the boundary policy',
        action,
        resource: ci.boundaryArn,
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denyCiPolicyChanges,
      });
    }
    for (const role of [ci.deployRoleName, ci.planRoleName]) {
      deploy({
        description: `change the trust of the CI role ${role}`,
        action: 'iam:UpdateAssumeRolePolicy',
        resource: `arn:aws:iam::${account}:role/${role}`,
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denyCiRoleChanges,
      });
      deploy({
        description: `add a policy to the CI role ${role}`,
        action: 'iam:PutRolePolicy',
        resource: `arn:aws:iam::${account}:role/${role}`,
        context: { 'iam:PermissionsBoundary': ci.boundaryArn },
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denyCiRoleChanges,
      });
    }
    for (const [action, resource] of [
      ['iam:CreateUser', `arn:aws:iam::${account}:user/deployer`],
      ['iam:CreateAccessKey', `arn:aws:iam::${account}:user/deployer`],
      ['iam:CreateLoginProfile', `arn:aws:iam::${account}:user/deployer`],
    ] as const) {
      deploy({
        description: 'create a user or long-lived credentials',
        action,
        resource,
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denyUsersAndKeys,
      });
    }
    for (const d of destinations.filter((x) => x.logGroup)) {
      deploy({
        description: `read session log events in ${d.region}`,
        action: 'logs:GetLogEvents',
        resource: `arn:aws:logs:${d.region}:${account}:log-group:${d.logGroup}:log-stream:alice-0123456789abcdef0`,
        expected: 'ExplicitlyDenied',
        expectedSid: CI_SIDS.denySessionData,
      });
    }
  }

  // The boundary: a role created with it and an allow-all policy still gets only the product's actions.
  const bounded = `${prefix}new-role`;
  const underBoundary = (description: string, action: string, resource: string, expected: Decision, sid?: string) =>
    add('permissions boundary', bounded, [ATTACHED_LATER], {
      description: `${description} (a new role with the boundary and an allow-all policy)`,
      action,
      resource,
      expected,
      ...(sid ? { expectedSid: sid } : {}),
    });
  underBoundary('describe instances', 'ec2:DescribeInstances', '*', 'Allowed', 'AttachedLaterAllowsAll');
  underBoundary('create a user', 'iam:CreateUser', `arn:aws:iam::${account}:user/someone`, 'ImplicitlyDenied');
  underBoundary('terminate an instance', 'ec2:TerminateInstances', instance, 'ImplicitlyDenied');
  underBoundary(
    'read a secret',
    'secretsmanager:GetSecretValue',
    `arn:aws:secretsmanager:${primary}:${account}:secret:app-AbCdEf`,
    'ExplicitlyDenied',
  );
  for (const d of destinations) {
    // A central bucket's reads are its own account's to refuse (see the plan role's cases above).
    if (d.s3Bucket && !d.s3BucketManagedElsewhere) {
      underBoundary(
        `read a transcript in ${d.region}`,
        's3:GetObject',
        `arn:aws:s3:::${d.s3Bucket}/${d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : ''}alice-0123456789abcdef0.log`,
        'ExplicitlyDenied',
      );
    }
    if (d.logGroup) {
      underBoundary(
        `read session log events in ${d.region}`,
        'logs:GetLogEvents',
        `arn:aws:logs:${d.region}:${account}:log-group:${d.logGroup}:log-stream:alice-0123456789abcdef0`,
        'ExplicitlyDenied',
      );
    }
  }
  underBoundary('change the boundary policy', 'iam:CreatePolicyVersion', ci.boundaryArn, 'ExplicitlyDenied');
  return cases;
}
