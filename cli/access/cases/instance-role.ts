import type { PolicyDocument } from '../../../modules/core/policy-document';
import { MANAGED_INSTANCE_SIDS as SIDS } from '../../../modules/managed-instance-role/managed-instance-role';
import type { ResolvedDestination } from '../access-model';
import type { Decision } from '../evaluator';
import type { Caller } from '../matrix-case';
import {
  type CaseRow,
  INSTANCE_ID,
  INSTANCE_ROLE_ID,
  type MatrixContext,
  principalOf,
  roleSession,
} from '../matrix-context';
import { foreignKey } from './session-resources';

/**
 * The managed-instance role: the session channels and exactly the log writes of the regions'
 * destinations, nothing else; only EC2 assumes it. A central bucket's own key: the instance role
 * uses it through S3 for uploads only, and the people not at all.
 */

/** The instance role's session on the instance, and its policy (none where the stack has no instance role). */
export function instanceAgent(m: MatrixContext): { who: Caller; policy: PolicyDocument } | undefined {
  const { instanceRoleName: roleName, instancePolicy: policy } = m.access;
  if (!roleName || !policy) return undefined;
  const who = roleSession({
    label: `instance role ${roleName}`,
    account: m.account,
    roleName,
    sessionName: INSTANCE_ID,
    roleId: INSTANCE_ROLE_ID,
  });
  return { who, policy };
}

type AgentRow = (
  description: string,
  action: string,
  resource: string,
  expected: Decision,
  sid?: string,
  keyPolicy?: PolicyDocument,
) => CaseRow;

/** Where one region's transcripts and logs go: the writes allowed there, and the reads refused. */
function destinationRows(m: MatrixContext, d: ResolvedDestination, row: AgentRow): CaseRow[] {
  const prefix = d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : '';
  const transcript = `arn:aws:s3:::${d.s3Bucket}/${prefix}${INSTANCE_ID}.log`;
  const group = `arn:aws:logs:${d.region}:${m.account}:log-group:${d.logGroup}`;
  const stream = `${group}:log-stream:${INSTANCE_ID}`;
  const otherGroup = `arn:aws:logs:${d.region}:${m.account}:log-group:other:log-stream:${INSTANCE_ID}`;
  return [
    ...(d.s3Bucket
      ? [
          row(`write a transcript in ${d.region}`, 's3:PutObject', transcript, 'Allowed', SIDS.s3Put),
          ...(prefix
            ? [
                row(
                  'write outside the transcript prefix',
                  's3:PutObject',
                  `arn:aws:s3:::${d.s3Bucket}/elsewhere/${INSTANCE_ID}.log`,
                  'ImplicitlyDenied',
                ),
              ]
            : []),
          row('read a transcript', 's3:GetObject', transcript, 'ImplicitlyDenied'),
          row(
            `check the transcript bucket's encryption in ${d.region}`,
            's3:GetEncryptionConfiguration',
            `arn:aws:s3:::${d.s3Bucket}`,
            'Allowed',
            SIDS.s3Encryption,
          ),
        ]
      : []),
    ...(d.logGroup
      ? [
          row(`create a session log stream in ${d.region}`, 'logs:CreateLogStream', stream, 'Allowed', SIDS.logsWrite),
          row(`put session log events in ${d.region}`, 'logs:PutLogEvents', stream, 'Allowed', SIDS.logsWrite),
          row('read session logs', 'logs:GetLogEvents', stream, 'ImplicitlyDenied'),
          row('write to another log group', 'logs:PutLogEvents', otherGroup, 'ImplicitlyDenied'),
        ]
      : []),
    ...(d.kmsKeyArn
      ? [
          row(
            `decrypt the session channel in ${d.region}`,
            'kms:Decrypt',
            d.kmsKeyArn,
            'Allowed',
            SIDS.kms,
            d.keyPolicy,
          ),
          row(
            `data key for transcripts in ${d.region}`,
            'kms:GenerateDataKey',
            d.kmsKeyArn,
            'Allowed',
            SIDS.kms,
            d.keyPolicy,
          ),
        ]
      : []),
  ];
}

export function instanceRoleRows(m: MatrixContext): CaseRow[] {
  const agent = instanceAgent(m);
  const trust = m.access.instanceTrust;
  if (!agent || !trust) return [];
  const row: AgentRow = (description, action, resource, expected, sid, keyPolicy) => ({
    area: 'instance role',
    description,
    who: agent.who,
    action,
    resource,
    policies: { identity: [agent.policy], ...(keyPolicy ? { resource: keyPolicy } : {}) },
    expected,
    ...(sid ? { sid } : {}),
  });
  const assume = (service: string, expected: Decision, sid?: string): CaseRow => ({
    area: 'instance role',
    description:
      service === 'ec2.amazonaws.com' ? 'EC2 assumes the instance role' : 'another service assumes the instance role',
    who: principalOf(service, service),
    action: 'sts:AssumeRole',
    resource: `arn:aws:iam::${m.account}:role/${m.access.instanceRoleName}`,
    policies: { identity: [], resource: trust },
    expected,
    ...(sid ? { sid } : {}),
  });
  const channels = ['CreateControlChannel', 'CreateDataChannel', 'OpenControlChannel', 'OpenDataChannel'];
  return [
    ...channels.map((action) => row('session channel', `ssmmessages:${action}`, '*', 'Allowed', SIDS.channels)),
    ...m.regions.map((region) =>
      row(`heartbeat in ${region}`, 'ssm:UpdateInstanceInformation', m.instance(region), 'Allowed', SIDS.heartbeat),
    ),
    row(
      'heartbeat for an instance of another account',
      'ssm:UpdateInstanceInformation',
      m.instance(m.primary, m.otherAccount),
      'ImplicitlyDenied',
    ),
    ...m.access.destinations.flatMap((d) => destinationRows(m, d, row)),
    ...(m.access.destinations.some((d) => d.logGroup)
      ? [row('check that the session log group exists', 'logs:DescribeLogGroups', '*', 'Allowed', SIDS.logsDescribe)]
      : []),
    row('a key that is not a session key', 'kms:Decrypt', foreignKey(m), 'ImplicitlyDenied'),
    row('start a session', 'ssm:StartSession', m.instance(m.primary), 'ImplicitlyDenied'),
    row('tag an instance', 'ec2:CreateTags', m.instance(m.primary), 'ImplicitlyDenied'),
    row('Run Command messages (not granted)', 'ec2messages:GetMessages', '*', 'ImplicitlyDenied'),
    assume('ec2.amazonaws.com', 'Allowed', 'resource:Ec2AssumeRole'),
    assume('lambda.amazonaws.com', 'ImplicitlyDenied'),
  ];
}

/**
 * The key policy that decides beside the identity policies. The real one is the log-archive
 * account's; this stand-in is the widest it would write for this account (every principal of the
 * account, the two actions uploads need), so what allows or denies here is this stack's own policies.
 */
export function centralKeyPolicyStandIn(accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LogArchiveKeyTrustsTheAccount',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
      },
    ],
  };
}

/** The destinations whose bucket has a key of its own (a central bucket), each with the S3 endpoint that uses it. */
export function centralBucketKeys(
  destinations: readonly ResolvedDestination[],
): { region: string; keyArn: string; viaS3: string }[] {
  return destinations.flatMap((d) =>
    d.s3KmsKeyArn && d.s3KmsKeyArn !== d.kmsKeyArn
      ? [{ region: d.region, keyArn: d.s3KmsKeyArn, viaS3: `s3.${d.s3KmsKeyArn.split(':')[3]}.amazonaws.com` }]
      : [],
  );
}

/** A central bucket's own key (`logging.centralBucket.kmsKeyArn`, usually in a log-archive account). */
export function centralKeyRows(m: MatrixContext): CaseRow[] {
  const agent = instanceAgent(m);
  if (!agent) return [];
  const resource = centralKeyPolicyStandIn(m.account);
  return centralBucketKeys(m.access.destinations).flatMap(({ region, keyArn, viaS3 }) => {
    const throughS3 = { 'kms:ViaService': viaS3 };
    const byAgent = (
      description: string,
      action: string,
      context: Record<string, string>,
      expected: Decision,
    ): CaseRow => ({
      area: 'instance role',
      description,
      who: agent.who,
      action,
      resource: keyArn,
      context,
      policies: { identity: [agent.policy], resource },
      expected,
      ...(expected === 'Allowed' ? { sid: SIDS.transcriptBucketKms } : {}),
    });
    // Users need the session key only, which the kms rows cover.
    const byPerson = (description: string, action: string, context: Record<string, string>): CaseRow => ({
      area: 'kms',
      description,
      who: m.alice,
      action,
      resource: keyArn,
      context,
      policies: { identity: [m.access.sessionPolicy], resource },
      expected: 'ImplicitlyDenied',
    });
    return [
      byAgent(
        `data key for a transcript upload to the central bucket from ${region} (through S3)`,
        'kms:GenerateDataKey',
        throughS3,
        'Allowed',
      ),
      byAgent(
        `decrypt with the central bucket's key for a multipart upload from ${region} (through S3)`,
        'kms:Decrypt',
        throughS3,
        'Allowed',
      ),
      byAgent(
        `data key with the central bucket's key outside S3 (${region})`,
        'kms:GenerateDataKey',
        {},
        'ImplicitlyDenied',
      ),
      byAgent(`decrypt with the central bucket's key outside S3 (${region})`, 'kms:Decrypt', {}, 'ImplicitlyDenied'),
      byAgent(`grant others the central bucket's key (${region})`, 'kms:CreateGrant', throughS3, 'ImplicitlyDenied'),
      byPerson(
        `data key with the central bucket's key (${region}; users need the session key only)`,
        'kms:GenerateDataKey',
        {},
      ),
      byPerson(`decrypt transcripts with the central bucket's key (${region})`, 'kms:Decrypt', throughS3),
    ];
  });
}
