import type { PolicyDocument } from '../../../modules/core/policy-document';
import { CI_SIDS } from '../../../modules/github-oidc/ci-policies';
import { type ResolvedDestination, type SynthesizedCiAccess, launchTaggerName } from '../access-model';
import type { Decision } from '../evaluator';
import type { CiArea } from '../matrix-case';
import { type CaseRow, type MatrixContext, SESSION_ID, roleSession } from '../matrix-context';
import { centralBucketKeys, centralKeyPolicyStandIn } from './instance-role';

/**
 * The GitHub Actions roles: what the plan role reads (a refresh, and no session data even beside
 * an allow-all policy), what the deploy role changes (within the boundary, never beyond it, never
 * the CI roles themselves), and what the permissions boundary leaves to any role created with it.
 */

/** A policy standing for any managed policy attached later (ReadOnlyAccess, AdministratorAccess). */
export const ATTACHED_LATER: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AttachedLaterAllowsAll', Effect: 'Allow', Action: '*', Resource: '*' }],
};

export const BESIDE_ALLOW_ALL = ' (beside an attached allow-all policy)';

/** One request of a CI role, without its area, role and policies (the table's writer adds them). */
export interface CiRequest {
  readonly description: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly resourcePolicy?: PolicyDocument;
  readonly expected: Decision;
  readonly sid?: string;
}

/** Rows of one CI role: its session, its policies and the boundary decide. */
export function ciRows(
  m: MatrixContext,
  ci: SynthesizedCiAccess,
  area: CiArea,
  roleName: string,
  identity: readonly PolicyDocument[],
  requests: readonly CiRequest[],
  suffix = '',
): CaseRow[] {
  const who = roleSession({ label: `role ${roleName}`, account: m.account, roleName, sessionName: 'GitHubActions' });
  return requests.map(({ resourcePolicy, ...r }) => ({
    ...r,
    description: `${r.description}${suffix}`,
    area,
    who,
    policies: { identity, boundary: ci.boundary, ...(resourcePolicy ? { resource: resourcePolicy } : {}) },
  }));
}

export const transcriptOf = (d: ResolvedDestination) =>
  `arn:aws:s3:::${d.s3Bucket}/${d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : ''}${SESSION_ID}.log`;
const logGroupOf = (m: MatrixContext, d: ResolvedDestination) =>
  `arn:aws:logs:${d.region}:${m.account}:log-group:${d.logGroup}`;

/**
 * The session data of one region, which the plan role never reads, and (`refresh`) the
 * configuration reads a refresh makes. A central bucket is not the stack's: its own account's bucket
 * policy decides who reads it, so the row shows only that nothing of the stack grants the read.
 */
function planDestinationRequests(m: MatrixContext, d: ResolvedDestination, refresh: boolean): CiRequest[] {
  const sessionData = { expected: 'ExplicitlyDenied', sid: CI_SIDS.denySessionData } as const;
  const keyPolicy = d.keyPolicy ? { resourcePolicy: d.keyPolicy } : {};
  const inRegion = { 'aws:RequestedRegion': d.region };
  const stream = `${logGroupOf(m, d)}:log-stream:${SESSION_ID}`;
  const central = Boolean(d.s3Bucket && d.s3BucketManagedElsewhere);
  const own = Boolean(d.s3Bucket && !d.s3BucketManagedElsewhere);
  const bucketReads = ['s3:GetBucketPolicy', 's3:GetEncryptionConfiguration', 's3:GetBucketVersioning'];
  const logReads = [
    ['logs:GetLogEvents', stream, 'read session log events'],
    ['logs:FilterLogEvents', logGroupOf(m, d), 'search session log events'],
    ['logs:StartQuery', logGroupOf(m, d), 'start a Logs Insights query'],
    ['logs:StartLiveTail', logGroupOf(m, d), 'start a live tail'],
  ] as const;
  const kmsContext = { ...inRegion, 'kms:ResourceAliases': [...(d.kmsKeyAliases ?? [])] };
  const otherKey = d.kmsKeyArn.replace(/key\/.*$/, 'key/00000000-1111-4222-8333-444444444444');
  return [
    ...(central && refresh
      ? [
          {
            description: `read a transcript in the central bucket from ${d.region}`,
            action: 's3:GetObject',
            resource: transcriptOf(d),
            expected: 'ImplicitlyDenied' as const,
          },
        ]
      : []),
    ...(own && refresh
      ? bucketReads.map((action) => ({
          description: `read the transcript bucket's configuration in ${d.region}`,
          action,
          resource: `arn:aws:s3:::${d.s3Bucket}`,
          expected: 'Allowed' as const,
          sid: CI_SIDS.refresh('S3'),
        }))
      : []),
    ...(own
      ? [
          {
            description: `read a transcript in ${d.region}`,
            action: 's3:GetObject',
            resource: transcriptOf(d),
            expected: 'ExplicitlyDenied' as const,
            sid: CI_SIDS.denyBucketObjects,
          },
        ]
      : []),
    ...(d.logGroup && refresh
      ? [
          {
            description: `list log groups in ${d.region}`,
            action: 'logs:DescribeLogGroups',
            resource: '*',
            expected: 'Allowed' as const,
            sid: CI_SIDS.refreshReads,
          },
        ]
      : []),
    ...(d.logGroup
      ? logReads.map(([action, resource, what]) => ({
          description: `${what} in ${d.region}`,
          action,
          resource,
          ...sessionData,
        }))
      : []),
    ...(d.kmsKeyArn && refresh
      ? [
          ...['kms:DescribeKey', 'kms:GetKeyPolicy'].map((action) => ({
            description: `read the session key's configuration in ${d.region}`,
            action,
            resource: d.kmsKeyArn,
            context: kmsContext,
            expected: 'Allowed' as const,
            sid: CI_SIDS.refresh('Kms'),
            ...keyPolicy,
          })),
          // Another key of the account, whose key policy lets IAM policies grant as the stack's does.
          {
            description: `read the policy of a key the stack does not manage in ${d.region}`,
            action: 'kms:GetKeyPolicy',
            resource: otherKey,
            context: { ...inRegion, 'kms:ResourceAliases': ['alias/other-team-data'] },
            expected: 'ImplicitlyDenied' as const,
            ...keyPolicy,
          },
        ]
      : []),
    ...(d.kmsKeyArn
      ? [
          {
            description: `decrypt with the session key in ${d.region}`,
            action: 'kms:Decrypt',
            resource: d.kmsKeyArn,
            ...sessionData,
            ...keyPolicy,
          },
        ]
      : []),
    ...centralBucketKeys([d]).map((key) => ({
      description: `decrypt transcripts with the central bucket's key (${d.region})`,
      action: 'kms:Decrypt',
      resource: key.keyArn,
      context: { 'kms:ViaService': key.viaS3 },
      ...sessionData,
      resourcePolicy: centralKeyPolicyStandIn(m.account),
    })),
  ];
}

/** No session data for the plan role: every region's, the dead letters, sessions, parameters and secrets. */
function planSessionDataRequests(m: MatrixContext, refresh: boolean): CiRequest[] {
  const sessionData = { expected: 'ExplicitlyDenied', sid: CI_SIDS.denySessionData } as const;
  const { primary, account } = m;
  // The primary region's tagger, as it describes its queue.
  const tagger = m.access.model.launchTaggers.find((t) => t.region === primary) ?? m.access.model.launchTaggers[0];
  const queue = `arn:aws:sqs:${primary}:${account}:${tagger?.deadLetterQueueName}`;
  return [
    ...m.access.destinations.flatMap((d) => planDestinationRequests(m, d, refresh)),
    ...(samlTagger(m) && tagger?.deadLetterQueueName
      ? [
          {
            description: `receive a dead letter of the launch tagger in ${primary}`,
            action: 'sqs:ReceiveMessage',
            resource: queue,
            ...sessionData,
          },
        ]
      : []),
    {
      description: 'start a session on an instance',
      action: 'ssm:StartSession',
      resource: m.instance(primary),
      ...sessionData,
    },
    {
      description: 'read a parameter',
      action: 'ssm:GetParameter',
      resource: `arn:aws:ssm:${primary}:${account}:parameter/app/db-password`,
      ...sessionData,
    },
    {
      description: 'read a secret',
      action: 'secretsmanager:GetSecretValue',
      resource: `arn:aws:secretsmanager:${primary}:${account}:secret:app-AbCdEf`,
      ...sessionData,
    },
  ];
}

/** The launch tagger's function, queue and role are the stack's only for SAML environments here. */
const samlTagger = (m: MatrixContext) =>
  m.access.model.launchTaggers.length > 0 && m.access.model.identity.part === 'federated-role';

/** Configuration reads name the stack's resources: no other role's, bucket's, function's (keys above). */
function planConfigurationRequests(m: MatrixContext, ci: SynthesizedCiAccess): CiRequest[] {
  const { account, primary } = m;
  const state = m.access.model.ci?.state;
  const stateObject = state ? `arn:aws:s3:::${state.bucket}/${state.key}` : undefined;
  const tagger = launchTaggerName(m.access.model);
  // Not a region of the stack, nor one of the break-glass sign-in alarms'.
  const elsewhere = ['sa-east-1', 'ca-central-1', 'ap-south-1'].find((r) => !m.regions.includes(r))!;
  // The instance role, as the stack describes it (else the plan role itself, a role of the stack too).
  const stackRole = `arn:aws:iam::${account}:role/${m.access.instanceRoleName ?? ci.planRoleName}`;
  const fn = (region: string, name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;
  return [
    ...(stateObject
      ? [
          {
            description: 'read the Terraform state object',
            action: 's3:GetObject',
            resource: stateObject,
            expected: 'Allowed' as const,
            sid: 'ReadState',
          },
          {
            description: 'overwrite the Terraform state object',
            action: 's3:PutObject',
            resource: stateObject,
            expected: 'ImplicitlyDenied' as const,
          },
        ]
      : []),
    ...['iam:GetRole', 'iam:GetRolePolicy'].flatMap((action) => [
      {
        description: 'read a role of the stack (refresh)',
        action,
        resource: stackRole,
        expected: 'Allowed' as const,
        sid: CI_SIDS.refresh('Iam'),
      },
      {
        description: 'read a role the stack does not manage',
        action,
        resource: `arn:aws:iam::${account}:role/OtherTeamRole`,
        expected: 'ImplicitlyDenied' as const,
      },
    ]),
    {
      description: 'read the policy of a bucket the stack does not manage',
      action: 's3:GetBucketPolicy',
      resource: `arn:aws:s3:::other-team-bucket-${account}`,
      expected: 'ImplicitlyDenied',
    },
    ...(samlTagger(m)
      ? [
          {
            description: "read the launch tagger function's configuration (refresh)",
            action: 'lambda:GetFunction',
            resource: fn(primary, tagger),
            context: { 'aws:RequestedRegion': primary },
            expected: 'Allowed' as const,
            sid: CI_SIDS.refreshInRegions('Services'),
          },
          {
            description: 'read a function of the same name in a region the stack does not manage',
            action: 'lambda:GetFunction',
            resource: fn(elsewhere, tagger),
            context: { 'aws:RequestedRegion': elsewhere },
            expected: 'ImplicitlyDenied' as const,
          },
        ]
      : []),
    {
      description: "read another function's code and environment",
      action: 'lambda:GetFunction',
      resource: fn(primary, 'payments-api'),
      context: { 'aws:RequestedRegion': primary },
      expected: 'ImplicitlyDenied',
    },
    {
      description: 'create a role',
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${account}:role/${m.environment}-new-role`,
      context: { 'iam:PermissionsBoundary': ci.boundaryArn },
      expected: 'ImplicitlyDenied',
    },
  ];
}

/** The plan role: a refresh's reads, and no session data, even beside a policy that allows everything. */
export function planRoleRows(m: MatrixContext, ci: SynthesizedCiAccess): CaseRow[] {
  const rows = (identity: readonly PolicyDocument[], requests: CiRequest[], suffix = '') =>
    ciRows(m, ci, 'ci plan role', ci.planRoleName, identity, requests, suffix);
  return [
    ...rows(ci.planPolicies, planSessionDataRequests(m, true)),
    ...rows([...ci.planPolicies, ATTACHED_LATER], planSessionDataRequests(m, false), BESIDE_ALLOW_ALL),
    ...rows(ci.planPolicies, planConfigurationRequests(m, ci)),
  ];
}
