import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { PolicyDocument } from '../../modules/core/policy-document';
import {
  SessionAuditLogs,
  type SessionAuditLogsProps,
  sessionKeyPolicy,
} from '../../modules/session-audit-logs/session-audit-logs';
import { synthStack } from '../support/construct-synth';
import { decide, decideUnsafe } from '../support/iam';
import { type SynthesizedStack, logicalIdAt, readPolicy, resourceAt, resourcesOfType } from '../support/synth';
import { InvalidConstruct, validated } from '../support/validation';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const TRANSCRIPTS = `example-ssm-sessions-${ACCOUNT}-${REGION}`;
const ACCESS_LOGS = `example-ssm-access-${ACCOUNT}-${REGION}`;
const LOG_GROUP = '/aws/ssm/example/sessions';
const CENTRAL_KEY = 'arn:aws:kms:us-east-1:999999999999:key/mrk-0123456789abcdef0123456789abcdef';

type Props = Omit<SessionAuditLogsProps, 'provider'>;
const base: Props = { region: REGION, accountId: ACCOUNT, environmentName: 'example' };

/** Synthesizes the construct alone, in a stack whose only provider is aliased (as in a further region). */
function synthAuditLogs(
  overrides: Partial<Props> = {},
  providerRegion: string = overrides.region ?? REGION,
): { stack: SynthesizedStack; logs: SessionAuditLogs } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const provider = new AwsProvider(stack, 'aws_us', { region: providerRegion, alias: providerRegion });
  const logs = validated(() => new SessionAuditLogs(stack, 'logs', { provider, ...base, ...overrides }));
  return { stack: synthStack(stack), logs };
}

function problemsOf(overrides: Partial<Props>): string[] {
  try {
    synthAuditLogs(overrides);
  } catch (error) {
    if (error instanceof InvalidConstruct) return [...error.problems];
    throw error;
  }
  return [];
}

describe('SessionAuditLogs: the KMS key', () => {
  it('rotates, waits 30 days before deletion, and has an alias', () => {
    const { stack } = synthAuditLogs();
    const key = resourceAt(stack, 'aws_kms_key', 'logs/key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(resourceAt(stack, 'aws_kms_alias', 'logs/key-alias').name).toBe('alias/example-ssm-sessions');
  });

  it('has a policy for the account (so IAM policies count) and for CloudWatch Logs on these log groups only', () => {
    const { stack } = synthAuditLogs({ additionalLogGroupNames: ['/aws/lambda/example-launch-tagger'] });
    const policy = readPolicy(resourceAt(stack, 'aws_kms_key', 'logs/key').policy);
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'AllowAccountIamPolicies',
      'AllowCloudWatchLogsForTheseLogGroups',
    ]);
    expect(policy.Statement[0]).toMatchObject({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*' });
    expect(policy.Statement[1]).toEqual({
      Sid: 'AllowCloudWatchLogsForTheseLogGroups',
      Effect: 'Allow',
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      Resource: '*',
      Condition: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': [
            `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}`,
            `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/example-launch-tagger`,
          ],
        },
      },
    });
  });

  it('has no CloudWatch Logs statement when no log group uses the key', () => {
    const { stack } = synthAuditLogs({ cloudWatchLoggingEnabled: false });
    const policy = readPolicy(resourceAt(stack, 'aws_kms_key', 'logs/key').policy);
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['AllowAccountIamPolicies']);
  });
});

describe('the key policy, evaluated by an IAM evaluator as the resource policy', () => {
  const policy = sessionKeyPolicy({
    accountId: ACCOUNT,
    region: REGION,
    logGroupNames: [LOG_GROUP, '/aws/lambda/example-launch-tagger'],
  });

  // The evaluator does not know the encryption-context keys of KMS, hence the unsafe mode.
  function logsService(logGroupArn: string, action = 'kms:GenerateDataKey') {
    return decideUnsafe({
      request: {
        principal: `logs.${REGION}.amazonaws.com`,
        action,
        resource: { resource: KEY_ARN, accountId: ACCOUNT },
        contextVariables: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    });
  }

  function role(keyPolicy: PolicyDocument, action: string) {
    return decide({
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/example-managed-instance`,
        action,
        resource: { resource: KEY_ARN, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [
        {
          name: 'session-key',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN }],
          },
        },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: keyPolicy,
    });
  }

  it.each([LOG_GROUP, '/aws/lambda/example-launch-tagger'])('lets CloudWatch Logs encrypt %s', async (group) => {
    await expect(logsService(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${group}`)).resolves.toBe('Allowed');
  });

  it('does not let CloudWatch Logs use the key for another log group', async () => {
    await expect(logsService(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/other`)).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('does not let CloudWatch Logs use the key for the same group name in another account', async () => {
    await expect(logsService(`arn:aws:logs:${REGION}:222222222222:log-group:${LOG_GROUP}`)).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it.each(['kms:Decrypt', 'kms:GenerateDataKey'])(
    'lets an IAM policy in the account grant %s (the instance role and the users)',
    async (action) => {
      await expect(role(policy, action)).resolves.toBe('Allowed');
    },
  );

  it('without the account statement, the same IAM policy grants nothing', async () => {
    const withoutAccount: PolicyDocument = {
      ...policy,
      Statement: policy.Statement.filter((s) => s.Sid !== 'AllowAccountIamPolicies'),
    };
    await expect(role(withoutAccount, 'kms:Decrypt')).resolves.toBe('ImplicitlyDenied');
  });
});

describe('SessionAuditLogs: the CloudWatch log group', () => {
  it('is named after the environment, encrypted with the key and kept a year by default', () => {
    const { stack, logs } = synthAuditLogs();
    const group = resourceAt(stack, 'aws_cloudwatch_log_group', 'logs/log-group');
    expect(group.name).toBe(LOG_GROUP);
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\.logs_key_[0-9A-F]+\.arn\}$/);
    expect(group.retention_in_days).toBe(365);
    expect(logs.logGroupName).toBe(LOG_GROUP);
  });

  it.each([365, 400, 731, 1827, 3653])('accepts a retention of %p days', (days) => {
    expect(problemsOf({ logRetentionDays: days })).toEqual([]);
  });

  it.each([30, 180, 366, 1000, 0])(
    'rejects a retention of %p days (not a CloudWatch value of a year or more)',
    (days) => {
      expect(problemsOf({ logRetentionDays: days })).toEqual([
        `test/logs: logRetentionDays must be a retention period CloudWatch Logs accepts and at least 365 days, so session logs are kept a year. Use one of 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got ${days})`,
      ]);
    },
  );
});

describe('SessionAuditLogs: the transcript bucket', () => {
  const { stack } = synthAuditLogs();
  const bucketRef = (id: string) => `\${aws_s3_bucket.${id}.id}`;
  const transcriptsId = Object.keys(resourcesOfType(stack, 'aws_s3_bucket')).find((id) =>
    id.startsWith('logs_transcripts_bucket_'),
  )!;
  const accessLogsId = Object.keys(resourcesOfType(stack, 'aws_s3_bucket')).find((id) =>
    id.startsWith('logs_access-logs_bucket_'),
  )!;

  it('is named from environment, account and region, and is never force-destroyed', () => {
    const bucket = resourceAt(stack, 'aws_s3_bucket', 'logs/transcripts/bucket');
    expect(bucket.bucket).toBe(TRANSCRIPTS);
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.object_lock_enabled).toBeUndefined();
  });

  it('blocks all four kinds of public access', () => {
    expect(
      resourceAt(stack, 'aws_s3_bucket_public_access_block', 'logs/transcripts/public-access-block'),
    ).toMatchObject({
      bucket: bucketRef(transcriptsId),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it('is versioned, owner-enforced, and SSE-KMS with the session key and a bucket key', () => {
    expect(
      resourceAt(stack, 'aws_s3_bucket_versioning', 'logs/transcripts/versioning').versioning_configuration,
    ).toEqual({
      status: 'Enabled',
    });
    expect(resourceAt(stack, 'aws_s3_bucket_ownership_controls', 'logs/transcripts/ownership-controls').rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });
    const encryption = resourceAt(
      stack,
      'aws_s3_bucket_server_side_encryption_configuration',
      'logs/transcripts/encryption',
    );
    expect(encryption.rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: 'aws:kms',
          kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.logs_key_[0-9A-F]+\.arn\}$/),
        },
        bucket_key_enabled: true,
      },
    ]);
  });

  it('denies every request that is not over TLS', () => {
    const policy = readPolicy(resourceAt(stack, 'aws_s3_bucket_policy', 'logs/transcripts/policy').policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${TRANSCRIPTS}`, `arn:aws:s3:::${TRANSCRIPTS}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('moves transcripts to Glacier Instant Retrieval, expires them, and aborts stale uploads', () => {
    const lifecycle = resourceAt(stack, 'aws_s3_bucket_lifecycle_configuration', 'logs/transcripts/lifecycle');
    expect(lifecycle.rule).toEqual([
      {
        id: 'archive-then-expire',
        status: 'Enabled',
        filter: [{}],
        transition: [{ days: 90, storage_class: 'GLACIER_IR' }],
        expiration: [{ days: 365 }],
        noncurrent_version_expiration: [{ noncurrent_days: 365 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
      {
        id: 'remove-expired-delete-markers',
        status: 'Enabled',
        filter: [{}],
        expiration: [{ expired_object_delete_marker: true }],
      },
    ]);
  });

  it('logs its access to the separate access-log bucket', () => {
    expect(resourceAt(stack, 'aws_s3_bucket_logging', 'logs/transcripts/access-logging')).toMatchObject({
      bucket: bucketRef(transcriptsId),
      target_bucket: bucketRef(accessLogsId),
      target_prefix: `${TRANSCRIPTS}/`,
    });
    expect(Object.keys(resourcesOfType(stack, 'aws_s3_bucket_logging'))).toHaveLength(1);
  });

  it('uses the configured lifecycle days', () => {
    const { stack: custom } = synthAuditLogs({ transcriptArchiveAfterDays: 30, transcriptExpirationDays: 2557 });
    const [rule] = resourceAt(custom, 'aws_s3_bucket_lifecycle_configuration', 'logs/transcripts/lifecycle').rule;
    expect(rule.transition).toEqual([{ days: 30, storage_class: 'GLACIER_IR' }]);
    expect(rule.expiration).toEqual([{ days: 2557 }]);
  });
});

describe('SessionAuditLogs: the access-log bucket (the documented exception)', () => {
  const { stack } = synthAuditLogs();

  it('uses SSE-S3, the only default encryption S3 server access logging supports on a target', () => {
    const encryption = resourceAt(
      stack,
      'aws_s3_bucket_server_side_encryption_configuration',
      'logs/access-logs/encryption',
    );
    expect(encryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
  });

  it('is private, versioned, owner-enforced, with a lifecycle, and never force-destroyed', () => {
    expect(resourceAt(stack, 'aws_s3_bucket', 'logs/access-logs/bucket')).toMatchObject({
      bucket: ACCESS_LOGS,
      force_destroy: false,
    });
    expect(
      resourceAt(stack, 'aws_s3_bucket_public_access_block', 'logs/access-logs/public-access-block'),
    ).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(
      resourceAt(stack, 'aws_s3_bucket_versioning', 'logs/access-logs/versioning').versioning_configuration,
    ).toEqual({
      status: 'Enabled',
    });
    expect(resourceAt(stack, 'aws_s3_bucket_ownership_controls', 'logs/access-logs/ownership-controls').rule).toEqual({
      object_ownership: 'BucketOwnerEnforced',
    });
    expect(resourceAt(stack, 'aws_s3_bucket_lifecycle_configuration', 'logs/access-logs/lifecycle').rule).toHaveLength(
      2,
    );
  });

  it('grants log delivery to the S3 logging service for the transcript bucket only, over TLS only', () => {
    const policy = readPolicy(resourceAt(stack, 'aws_s3_bucket_policy', 'logs/access-logs/policy').policy);
    expect(policy.Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'AllowServerAccessLogDelivery']);
    expect(policy.Statement[1]).toEqual({
      Sid: 'AllowServerAccessLogDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${ACCESS_LOGS}/${TRANSCRIPTS}/*`,
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${TRANSCRIPTS}` },
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
      },
    });
  });

  it('lets S3 log delivery write, and nobody else through that statement', async () => {
    const policy = readPolicy(resourceAt(stack, 'aws_s3_bucket_policy', 'logs/access-logs/policy').policy);
    const deliver = (sourceArn: string, secure = 'true') =>
      decide({
        request: {
          principal: 'logging.s3.amazonaws.com',
          action: 's3:PutObject',
          resource: {
            resource: `arn:aws:s3:::${ACCESS_LOGS}/${TRANSCRIPTS}/2026-01-01-00-00-00-ABCDEF`,
            accountId: ACCOUNT,
          },
          contextVariables: {
            'aws:SourceArn': sourceArn,
            'aws:SourceAccount': ACCOUNT,
            'aws:SecureTransport': secure,
          },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policy,
      });
    await expect(deliver(`arn:aws:s3:::${TRANSCRIPTS}`)).resolves.toBe('Allowed');
    await expect(deliver('arn:aws:s3:::someone-elses-bucket')).resolves.toBe('ImplicitlyDenied');
    await expect(deliver(`arn:aws:s3:::${TRANSCRIPTS}`, 'false')).resolves.toBe('ExplicitlyDenied');
  });

  it('does not log its own access', () => {
    const logging = Object.values(resourcesOfType(stack, 'aws_s3_bucket_logging')) as { bucket: string }[];
    expect(logging.map((l) => l.bucket)).not.toContainEqual(expect.stringContaining('logs_access-logs_bucket_'));
  });
});

describe('SessionAuditLogs: Object Lock', () => {
  it('locks the transcript bucket with the default retention when configured', () => {
    const { stack } = synthAuditLogs({ objectLockMode: 'COMPLIANCE', objectLockRetentionDays: 365 });
    expect(resourceAt(stack, 'aws_s3_bucket', 'logs/transcripts/bucket').object_lock_enabled).toBe(true);
    expect(resourceAt(stack, 'aws_s3_bucket_object_lock_configuration', 'logs/transcripts/object-lock').rule).toEqual({
      default_retention: { mode: 'COMPLIANCE', days: 365 },
    });
  });

  it('never locks the access-log bucket (S3 refuses Object Lock on a log target)', () => {
    const { stack } = synthAuditLogs({ objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 30 });
    expect(resourceAt(stack, 'aws_s3_bucket', 'logs/access-logs/bucket').object_lock_enabled).toBeUndefined();
    expect(Object.keys(resourcesOfType(stack, 'aws_s3_bucket_object_lock_configuration'))).toHaveLength(1);
  });

  it('is off by default', () => {
    const { stack } = synthAuditLogs();
    expect(resourcesOfType(stack, 'aws_s3_bucket_object_lock_configuration')).toEqual({});
  });

  it('rejects a mode without days, an unknown mode, and a lock longer than the expiry', () => {
    expect(problemsOf({ objectLockMode: 'GOVERNANCE' })).toEqual([
      'test/logs: objectLockRetentionDays must be set together with objectLockMode. Set both or neither (got nothing)',
    ]);
    expect(problemsOf({ objectLockMode: 'FOREVER' as 'GOVERNANCE', objectLockRetentionDays: 30 })).toEqual([
      expect.stringContaining('test/logs: objectLockMode must be "GOVERNANCE"'),
    ]);
    expect(problemsOf({ objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 400 })).toEqual([
      expect.stringContaining('test/logs: objectLockRetentionDays must be at most transcriptExpirationDays (365)'),
    ]);
  });
});

describe('SessionAuditLogs: a central bucket in a log-archive account', () => {
  const central = { centralBucketName: 'corp-log-archive-sessions', centralBucketKmsKeyArn: CENTRAL_KEY };

  it('creates no bucket here and points the destination at the central bucket', () => {
    const { stack, logs } = synthAuditLogs(central);
    expect(resourcesOfType(stack, 'aws_s3_bucket')).toEqual({});
    expect(logs.destination).toEqual({
      region: REGION,
      s3BucketName: 'corp-log-archive-sessions',
      s3KeyPrefix: `sessions/${ACCOUNT}/${REGION}`,
      logGroupName: LOG_GROUP,
      kmsKeyArn: logs.kmsKeyArn,
      // The central bucket's own key, which the instance role needs for the uploads.
      s3KmsKeyArn: CENTRAL_KEY,
    });
    expect(logs.transcriptBucketKmsKeyArn).toBe(CENTRAL_KEY);
  });

  it('rejects a central bucket without its key, a bad key ARN, and Object Lock here', () => {
    expect(problemsOf({ centralBucketName: 'corp-log-archive-sessions' })).toEqual([
      expect.stringContaining('test/logs: centralBucketKmsKeyArn must be set together with centralBucketName'),
    ]);
    expect(problemsOf({ ...central, centralBucketKmsKeyArn: 'alias/log-archive' })).toEqual([
      'test/logs: centralBucketKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), not an alias or a bare key id. Copy the key ARN from the account that owns the key (got "alias/log-archive")',
    ]);
    expect(problemsOf({ ...central, objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 30 })).toEqual([
      expect.stringContaining('test/logs: objectLockMode applies only to a transcript bucket created here'),
    ]);
  });
});

describe('SessionAuditLogs: the destination and the provider', () => {
  it('describes where transcripts go, with the key', () => {
    const { logs } = synthAuditLogs();
    expect(logs.destination).toEqual({
      region: REGION,
      s3BucketName: TRANSCRIPTS,
      s3KeyPrefix: 'sessions',
      logGroupName: LOG_GROUP,
      kmsKeyArn: logs.kmsKeyArn,
    });
  });

  it('leaves out what is turned off', () => {
    expect(synthAuditLogs({ s3LoggingEnabled: false }).logs.destination).toEqual({
      region: REGION,
      logGroupName: LOG_GROUP,
      kmsKeyArn: expect.any(String),
    });
    expect(synthAuditLogs({ cloudWatchLoggingEnabled: false }).logs.destination).toEqual({
      region: REGION,
      s3BucketName: TRANSCRIPTS,
      s3KeyPrefix: 'sessions',
      kmsKeyArn: expect.any(String),
    });
  });

  it('passes the region provider to every resource', () => {
    const { stack } = synthAuditLogs({ objectLockMode: 'GOVERNANCE', objectLockRetentionDays: 30 });
    const resources = Object.values(stack.json.resource).flatMap((byId) => Object.values(byId as object));
    expect(resources.length).toBeGreaterThan(15);
    for (const resource of resources) expect(resource).toMatchObject({ provider: `aws.${REGION}` });
  });
});

describe('SessionAuditLogs: validation, before anything is created', () => {
  it('rejects turning off both S3 and CloudWatch logging', () => {
    expect(problemsOf({ s3LoggingEnabled: false, cloudWatchLoggingEnabled: false })).toEqual([
      'test/logs: s3LoggingEnabled must be true when cloudWatchLoggingEnabled is false: sessions would not be transcribed anywhere. Turn on S3 or CloudWatch logging (got false)',
    ]);
  });

  it.each([0, 364, 36_501, 400.5])('rejects a transcript expiry of %p days', (days) => {
    expect(problemsOf({ transcriptExpirationDays: days })).toEqual([
      expect.stringContaining('test/logs: transcriptExpirationDays must be a whole number of days from 365 to 36,500'),
    ]);
  });

  it('rejects archiving no earlier than the expiry', () => {
    expect(problemsOf({ transcriptArchiveAfterDays: 365 })).toEqual([
      'test/logs: transcriptArchiveAfterDays must be less than transcriptExpirationDays (365). Archive earlier or keep transcripts longer (got 365)',
    ]);
  });

  it('rejects an environment name too long for the bucket names', () => {
    const lines = problemsOf({ environmentName: 'a-very-long-environment-x', region: 'ap-southeast-1' });
    expect(lines[0]).toContain(
      'test/logs: environmentName must be short enough for the bucket name "a-very-long-environment-x-ssm-sessions-111111111111-ap-southeast-1" (66 characters; S3 allows 3-63)',
    );
  });

  it("takes the region from its provider, and rejects a region other than the provider's", () => {
    const { logs } = synthAuditLogs({ region: undefined }, 'eu-north-1');
    expect(logs.destination.region).toBe('eu-north-1');
    expect(() => synthAuditLogs({ region: 'eu-west-1' }, 'eu-north-1')).toThrow(
      'test/logs: region must be the region of its provider (eu-north-1)',
    );
  });

  it('rejects a key prefix with slashes at its ends and a bad extra log group', () => {
    expect(problemsOf({ s3KeyPrefix: '/sessions/' })).toEqual([
      expect.stringContaining('test/logs: s3KeyPrefix must be'),
    ]);
    expect(problemsOf({ additionalLogGroupNames: ['bad name'] })).toEqual([
      expect.stringContaining('test/logs: additionalLogGroupNames.0 must be a CloudWatch Logs group name'),
    ]);
  });
});

describe('SessionAuditLogs create order (what AWS checks when a resource is created)', () => {
  it('turns on server access logging only once the target bucket accepts log delivery', () => {
    // S3 checks the target's policy (logging.s3.amazonaws.com) and encryption at PutBucketLogging.
    const { stack } = synthAuditLogs();
    const logging = resourceAt(stack, 'aws_s3_bucket_logging', 'logs/transcripts/access-logging');
    expect(logging.depends_on).toEqual([
      `aws_s3_bucket_policy.${logicalIdAt(stack, 'aws_s3_bucket_policy', 'logs/access-logs/policy')}`,
      `aws_s3_bucket_server_side_encryption_configuration.${logicalIdAt(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'logs/access-logs/encryption')}`,
    ]);
  });
});
