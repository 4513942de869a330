import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { sessionKeyPolicy } from '../../modules/session-audit-logs/session-audit-logs';
import type { PolicyStatement } from '../../modules/core/policy-document';
import type { SessionLogDestination } from '../../modules/core/session-log-destination';
import {
  MANAGED_INSTANCE_SIDS as SIDS,
  ManagedInstanceRole,
  type ManagedInstanceRoleProps,
} from '../../modules/managed-instance-role/managed-instance-role';
import { synthStack } from '../support/construct-synth';
import { logicalIdAt, resourceAt } from '../support/synth';
import { evaluate, policyAt } from '../support/policies';
import { InvalidConstruct, validated } from '../support/validation';

const ACCOUNT = '111111111111';
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const base: ManagedInstanceRoleProps = {
  accountId: ACCOUNT,
  regions: ['eu-west-1'],
  roleName: 'test-ssm-managed-instance',
};
const s3Only: SessionLogDestination = { region: 'eu-west-1', s3BucketName: 'transcripts', s3KeyPrefix: 'sessions/eu' };
const cloudWatchOnly: SessionLogDestination = {
  region: 'eu-west-1',
  logGroupName: '/aws/ssm/test/sessions',
  kmsKeyArn: KEY,
};

function build(overrides: Partial<ManagedInstanceRoleProps> = {}): ManagedInstanceRole {
  return validated(
    () =>
      new ManagedInstanceRole(new TerraformStack(Testing.app(), 'test'), 'managed-instance-role', {
        ...base,
        ...overrides,
      }),
  );
}

const byId = (role: ManagedInstanceRole) =>
  Object.fromEntries(role.document.Statement.map((s) => [s.Sid, s])) as Record<string, PolicyStatement>;

describe('ManagedInstanceRole', () => {
  it('is a role EC2 assumes, with an instance profile of the same name', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new ManagedInstanceRole(stack, 'managed-instance-role', base);
    const json = JSON.parse(Testing.synth(stack));
    const [role] = Object.values(json.resource.aws_iam_role) as { name: string; assume_role_policy: string }[];
    const [profile] = Object.values(json.resource.aws_iam_instance_profile) as { name: string; role: string }[];
    const [policy] = Object.values(json.resource.aws_iam_role_policy) as { name: string }[];
    expect(role.name).toBe('test-ssm-managed-instance');
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Ec2AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    expect(profile.name).toBe('test-ssm-managed-instance');
    expect(profile.role).toMatch(/^\$\{aws_iam_role\.[\w-]+\.name\}$/);
    expect(policy.name).toBe('session-manager-agent');
  });

  it('creates the instance profile only after the role has its permissions', () => {
    // An instance launched with the profile the moment it exists must be able to register at once.
    const scope = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(scope, 'aws', { region: 'eu-west-1' });
    new ManagedInstanceRole(scope, 'managed-instance-role', base);
    const stack = synthStack(scope);
    const profile = resourceAt(stack, 'aws_iam_instance_profile', 'managed-instance-role/instance-profile');
    expect(profile.depends_on).toEqual([
      `aws_iam_role_policy.${logicalIdAt(stack, 'aws_iam_role_policy', 'managed-instance-role/policy')}`,
    ]);
  });

  it('without log destinations: only the agent channels and heartbeat', () => {
    const role = build({ regions: ['eu-west-1', 'us-east-1'] });
    expect(role.document.Statement).toEqual([
      {
        Sid: 'SessionManagerChannels',
        Effect: 'Allow',
        Action: [
          'ssmmessages:CreateControlChannel',
          'ssmmessages:CreateDataChannel',
          'ssmmessages:OpenControlChannel',
          'ssmmessages:OpenDataChannel',
        ],
        Resource: '*',
      },
      {
        Sid: 'AgentHeartbeat',
        Effect: 'Allow',
        Action: 'ssm:UpdateInstanceInformation',
        // Region-free, kept to the environment's regions by the condition.
        Resource: `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
      },
    ]);
  });

  it('S3 logging: put under the prefix and read the bucket encryption, nothing more', () => {
    const statements = byId(build({ logDestinations: [s3Only] }));
    expect(statements[SIDS.s3Put]).toEqual({
      Sid: 'WriteTranscripts',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::transcripts/sessions/eu/*',
    });
    expect(statements[SIDS.s3Encryption]).toEqual({
      Sid: 'CheckTranscriptBucketEncryption',
      Effect: 'Allow',
      Action: 's3:GetEncryptionConfiguration',
      Resource: 'arn:aws:s3:::transcripts',
    });
    expect(Object.keys(statements)).not.toContain(SIDS.logsDescribe);
    expect(Object.keys(statements)).not.toContain(SIDS.kms);
  });

  it('CloudWatch logging: streams of the session group, DescribeLogGroups on "*", and the key', () => {
    const statements = byId(build({ logDestinations: [cloudWatchOnly] }));
    expect(statements[SIDS.logsWrite]).toEqual({
      Sid: 'WriteSessionLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/ssm/test/sessions:log-stream:*`,
      Condition: { StringEquals: { 'aws:RequestedRegion': expect.arrayContaining(['eu-west-1']) } },
    });
    expect(statements[SIDS.logsDescribe]).toEqual({
      Sid: 'FindSessionLogGroups',
      Effect: 'Allow',
      Action: 'logs:DescribeLogGroups',
      Resource: '*',
    });
    expect(statements[SIDS.kms]).toEqual({
      Sid: 'UseSessionKeys',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [KEY],
    });
    expect(Object.keys(statements)).not.toContain(SIDS.s3Put);
  });

  it('grants no reading of logs, no tagging and no starting of sessions', () => {
    const actions = build({ logDestinations: [s3Only, cloudWatchOnly] }).document.Statement.flatMap((s) =>
      [s.Action].flat(),
    );
    expect(actions.sort()).toEqual(
      [
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:DescribeLogGroups',
        'logs:PutLogEvents',
        's3:GetEncryptionConfiguration',
        's3:PutObject',
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ].sort(),
    );
  });

  it('validates its props before creating anything', () => {
    expect(() => build({ roleName: 'bad role' })).toThrow('roleName must be a valid IAM role name');
    expect(() => build({ accountId: '1' })).toThrow(InvalidConstruct);
    expect(() => build({ logDestinations: [{ region: 'us-east-1', s3BucketName: 'x' }] })).toThrow(
      'logDestinations must name regions of the role (eu-west-1)',
    );
  });

  it('as synthesized, decrypts with the referenced key and nothing else', async () => {
    const stack = new TerraformStack(Testing.app(), 'unit');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1', allowedAccountIds: [ACCOUNT] });
    const key = new KmsKey(stack, 'session-key', { description: 'session key' });
    new ManagedInstanceRole(stack, 'managed-instance-role', {
      ...base,
      logDestinations: [{ ...cloudWatchOnly, kmsKeyArn: key.arn }],
    });
    const policy = policyAt(synthStack(stack), 'aws_iam_role_policy', 'managed-instance-role/policy');
    const [keyArn] = [policy.Statement.find((s) => s.Sid === SIDS.kms)!.Resource].flat() as string[];
    expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT}:key/`));
    // The key policy the stack deploys, as the resource policy of the KMS request.
    const keyPolicy = sessionKeyPolicy({
      accountId: ACCOUNT,
      region: 'eu-west-1',
      logGroupNames: ['/aws/ssm/test/sessions'],
    });
    const decrypt = (resource: string) =>
      evaluate({
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/test-ssm-managed-instance/i-0123456789abcdef0`,
          action: 'kms:Decrypt',
          resource: { resource, accountId: ACCOUNT },
          contextVariables: {},
        },
        identityPolicies: [{ name: 'agent', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: keyPolicy,
      });
    await expect(decrypt(keyArn)).resolves.toMatchObject({ decision: 'Allowed' });
    await expect(decrypt(KEY)).resolves.toMatchObject({ decision: 'ImplicitlyDenied' });
  });
});
