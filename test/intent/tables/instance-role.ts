import {
  type IntentEnvironment,
  type IntentRow,
  INSTANCE_ID,
  instanceArn,
  otherKeyArn,
  roleSession,
  rowsOf,
  servicePrincipal,
  sessionKeyArn,
  sessionLogGroupArn,
  transcriptBucket,
} from '../../support/intent';
import { OTHER_ACCOUNT, SAML_OWNER } from '../../support/intent-environments';

/**
 * The managed-instance role (DESIGN.md "Managed-instance role and instance profile"; the deploying
 * and session logging guides): the SSM agent's channels and heartbeat, and exactly the logging
 * permissions the preferences need: `s3:PutObject` under the transcript prefix,
 * `s3:GetEncryptionConfiguration`, CloudWatch Logs stream and put on the session log group,
 * `logs:DescribeLogGroups` on `*`, `kms:Decrypt` on the session key. It reads no transcript back,
 * runs no command, opens no session and writes no ownership tag. Only EC2 assumes it.
 */
export const INSTANCE_ENVIRONMENTS = [SAML_OWNER];

export function instanceRoleRows(env: IntentEnvironment): IntentRow[] {
  const row = rowsOf(env, { identity: ['instance'] });
  const [primary, secondary] = env.regions as [string, string];
  const keyRow = (region: string) => rowsOf(env, { identity: ['instance'], resource: `keyPolicy:${region}` });
  const instance = roleSession(env, `${env.name}-ssm-managed-instance`, INSTANCE_ID);
  const object = (bucket: string, key: string, region: string) => ({
    resource: `arn:aws:s3:::${bucket}/${key}`,
    details: { context: { 'aws:RequestedRegion': region } },
  });
  const put = (promise: string, bucket: string, key: string, region: string, expected: IntentRow['expected']) => {
    const { resource, details } = object(bucket, key, region);
    return row(promise, instance, 's3:PutObject', resource, expected, details);
  };
  const transcript = 'sessions/alice-0123456789abcdef0.log';
  const stream = (region: string, group = sessionLogGroupArn(env, region)) =>
    `${group}:log-stream:alice-0123456789abcdef0`;
  const outside = 'ap-southeast-2';
  return [
    row('the agent’s channels', instance, 'ssmmessages:CreateControlChannel', '*', 'Allowed'),
    row('the agent’s channels', instance, 'ssmmessages:OpenDataChannel', '*', 'Allowed'),
    row('the agent’s heartbeat', instance, 'ssm:UpdateInstanceInformation', instanceArn(env, primary), 'Allowed'),
    row(
      'the agent’s heartbeat, second region',
      instance,
      'ssm:UpdateInstanceInformation',
      instanceArn(env, secondary),
      'Allowed',
    ),
    row(
      'only in the environment’s regions',
      instance,
      'ssm:UpdateInstanceInformation',
      instanceArn(env, outside),
      'ImplicitlyDenied',
    ),
    row(
      'only in the environment’s account',
      instance,
      'ssm:UpdateInstanceInformation',
      instanceArn(env, primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
    ),
    put('writes transcripts under the prefix', transcriptBucket(env, primary), transcript, primary, 'Allowed'),
    put(
      'writes transcripts under the prefix, second region',
      transcriptBucket(env, secondary),
      transcript,
      secondary,
      'Allowed',
    ),
    put('nothing outside the prefix', transcriptBucket(env, primary), 'other/object.log', primary, 'ImplicitlyDenied'),
    put('no other bucket', 'payments-data', transcript, primary, 'ImplicitlyDenied'),
    row(
      'reads no transcript back',
      instance,
      's3:GetObject',
      `arn:aws:s3:::${transcriptBucket(env)}/${transcript}`,
      'ImplicitlyDenied',
    ),
    row(
      'deletes no transcript',
      instance,
      's3:DeleteObject',
      `arn:aws:s3:::${transcriptBucket(env)}/${transcript}`,
      'ImplicitlyDenied',
    ),
    row(
      'checks the bucket’s encryption',
      instance,
      's3:GetEncryptionConfiguration',
      `arn:aws:s3:::${transcriptBucket(env)}`,
      'Allowed',
    ),
    row(
      'not another bucket’s',
      instance,
      's3:GetEncryptionConfiguration',
      'arn:aws:s3:::payments-data',
      'ImplicitlyDenied',
    ),
    row('streams session logs', instance, 'logs:CreateLogStream', stream(primary), 'Allowed'),
    row('streams session logs', instance, 'logs:PutLogEvents', stream(secondary), 'Allowed'),
    row(
      'no other log group',
      instance,
      'logs:PutLogEvents',
      stream(primary, `arn:aws:logs:${primary}:${env.account}:log-group:/payments/app`),
      'ImplicitlyDenied',
    ),
    row('no log group outside the regions', instance, 'logs:PutLogEvents', stream(outside), 'ImplicitlyDenied'),
    row('reads no session log back', instance, 'logs:GetLogEvents', stream(primary), 'ImplicitlyDenied'),
    row('deletes no log group', instance, 'logs:DeleteLogGroup', sessionLogGroupArn(env), 'ImplicitlyDenied'),
    row('the agent checks the log group before a session', instance, 'logs:DescribeLogGroups', '*', 'Allowed'),
    keyRow(primary)('decrypts with the session key', instance, 'kms:Decrypt', sessionKeyArn(env, primary), 'Allowed'),
    keyRow(secondary)(
      'decrypts with the session key, second region',
      instance,
      'kms:Decrypt',
      sessionKeyArn(env, secondary),
      'Allowed',
    ),
    keyRow(primary)('no other key', instance, 'kms:Decrypt', otherKeyArn(env), 'ImplicitlyDenied'),
    row('runs no command', instance, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied'),
    row('opens no session', instance, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', {
      context: { 'ssm:SessionDocumentAccessCheck': 'true' },
    }),
    row('writes no ownership tag', instance, 'ec2:CreateTags', instanceArn(env), 'ImplicitlyDenied', {
      context: { 'aws:TagKeys': ['AwsUserId'], 'aws:RequestTag/AwsUserId': 'AROAEXAMPLE:alice' },
    }),
    rowsOf(env, { resource: 'instanceTrust' })(
      'EC2 assumes it',
      servicePrincipal('ec2.amazonaws.com'),
      'sts:AssumeRole',
      `arn:aws:iam::${env.account}:role/${env.name}-ssm-managed-instance`,
      'Allowed',
    ),
    rowsOf(env, { resource: 'instanceTrust' })(
      'nothing else assumes it',
      servicePrincipal('lambda.amazonaws.com'),
      'sts:AssumeRole',
      `arn:aws:iam::${env.account}:role/${env.name}-ssm-managed-instance`,
      'ImplicitlyDenied',
    ),
  ];
}

/** Every row of the instance role table. */
export function instanceRows(environments: ReadonlyMap<string, IntentEnvironment>): IntentRow[] {
  return instanceRoleRows(environments.get(SAML_OWNER.input.name)!);
}
