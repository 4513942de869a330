import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { auditLogNames } from './names';
import type { ConfigProblem } from '../core/config-error';
import { type PolicyDocument, policyDocument, renderPolicy } from '../core/policy-document';
import { type AwsRegion, propProblems, rules, sessionRules } from '../core/rules';
import { reportProblems } from '../core/validation';
import {
  type FieldNames,
  type TranscriptSettings,
  checkCombinations,
  transcriptRules,
} from '../core/combination-rules';
import { resolveRegion } from '../core/provider-region';
import type { SessionLogDestination } from '../core/session-log-destination';
import { PrivateBucket } from './private-bucket';

/**
 * Object Lock retention modes: `GOVERNANCE` lets users with `s3:BypassGovernanceRetention`
 * shorten or remove a retention, `COMPLIANCE` lets nobody, not even the root user.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

/**
 * Properties of a {@link SessionAuditLogs}.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
 */
export interface SessionAuditLogsProps {
  /** The region's provider; every resource of this construct uses it. */
  readonly provider: AwsProvider;
  /**
   * The region the provider manages (names and ARNs are built from it); an error when it is not
   * the provider's.
   *
   * @default - the region of `provider`
   */
  readonly region?: AwsRegion;
  /** The account the resources live in (names and ARNs are built from it, without a data source). */
  readonly accountId: string;
  /**
   * Environment name: the prefix of every name. The bucket names
   * `<environmentName>-ssm-sessions-<account id>-<region>` must fit S3's 63 characters.
   */
  readonly environmentName: string;
  /**
   * Upload each session's transcript to S3 when it ends. S3 or CloudWatch logging (or both) must
   * be on.
   *
   * @default true
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
   */
  readonly s3LoggingEnabled?: boolean;
  /**
   * Key prefix of the transcripts in the bucket, without a leading or trailing slash.
   *
   * @default - "sessions", or "sessions/<account id>/<region>" in a central bucket
   */
  readonly s3KeyPrefix?: string;
  /**
   * Send transcripts to a CloudWatch Logs group, encrypted with the session key.
   *
   * @default true
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly cloudWatchLoggingEnabled?: boolean;
  /**
   * Days CloudWatch Logs keeps session logs: a value CloudWatch accepts, at least 365 (365, 400,
   * 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653).
   *
   * @default 365
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
   */
  readonly logRetentionDays?: number;
  /**
   * Days after which transcripts (and the access logs) move to S3 Glacier Instant Retrieval; less
   * than `transcriptExpirationDays`. Objects under 128 KB stay in S3 Standard.
   *
   * @default 90
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
   */
  readonly transcriptArchiveAfterDays?: number;
  /**
   * Days after which transcripts (and the access logs) expire, 365 to 36,500; noncurrent versions
   * are kept as long again.
   *
   * @default 365
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
   */
  readonly transcriptExpirationDays?: number;
  /**
   * Object Lock on the transcript bucket, so no transcript can be changed or deleted during the
   * retention. Set together with `objectLockRetentionDays`. Adding it later replaces the bucket.
   * Only for a transcript bucket created here (not with `centralBucketName`).
   *
   * @default - no Object Lock
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
   */
  readonly objectLockMode?: ObjectLockMode;
  /**
   * Object Lock default retention in days (at most `transcriptExpirationDays`).
   *
   * @default - no Object Lock
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
   */
  readonly objectLockRetentionDays?: number;
  /**
   * A bucket in a log-archive account to send transcripts to instead of a bucket here. Its bucket
   * policy and its key's policy must let this account's instances write (see the README).
   * Set together with `centralBucketKmsKeyArn`.
   *
   * @default - a transcript bucket and an access-log bucket in this region
   */
  readonly centralBucketName?: string;
  /**
   * ARN of the KMS key that encrypts the central bucket (a key ARN, not an alias).
   *
   * @default - none (no central bucket)
   */
  readonly centralBucketKmsKeyArn?: string;
  /**
   * Further log groups of this region that may use the key (for example the launch tagger's
   * `/aws/lambda/<env>-launch-tagger`), so one key encrypts every log of the environment here.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly additionalLogGroupNames?: readonly string[];
}

/** The defaults of `SessionAuditLogsProps`. */
export const SESSION_AUDIT_LOGS_DEFAULTS = {
  s3KeyPrefix: 'sessions',
  logRetentionDays: 365,
  transcriptArchiveAfterDays: 90,
  transcriptExpirationDays: 365,
} as const;

/** KMS waits this long before deleting a key scheduled for deletion (the maximum, 30 days). */
export const SESSION_KEY_DELETION_WINDOW_DAYS = 30;

/**
 * Audit logging for Session Manager in one region: a KMS key that encrypts session data and
 * transcripts (rotation on; its policy lets the account's IAM policies grant use, and lets
 * CloudWatch Logs use it for this environment's log groups only), a CloudWatch log group, and an
 * S3 transcript bucket that logs its own access to a separate access-log bucket. Or, instead of
 * the buckets, a central bucket in a log-archive account.
 *
 * Pass {@link SessionAuditLogs.destination} to `SessionPreferences` and `ManagedInstanceRole`, and
 * {@link SessionAuditLogs.kmsKeyArn} to `SessionAccessPolicy` (`sessionKmsKeyArns`).
 *
 * @example
 * ```ts
 * const logs = new SessionAuditLogs(stack, 'audit-logs', { provider, region, accountId, environmentName: 'prod' });
 * new SessionPreferences(stack, 'preferences', { provider, destination: logs.destination, runAsDefaultUser: 'ec2-user' });
 * ```
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export class SessionAuditLogs extends Construct {
  /** What the preferences document points at, and what the managed-instance role may write to. */
  readonly destination: SessionLogDestination;
  /** The key that encrypts sessions, transcripts and log groups. */
  readonly kmsKey: KmsKey;
  /** ARN of `kmsKey` (a Terraform reference). */
  readonly kmsKeyArn: string;
  /** The key policy, as data. */
  readonly keyPolicy: PolicyDocument;
  /** The key of the bucket transcripts go to: `kmsKeyArn`, or the central bucket's key. */
  readonly transcriptBucketKmsKeyArn?: string;
  /** The session log group; undefined when `cloudWatchLoggingEnabled` is false. */
  readonly logGroup?: CloudwatchLogGroup;
  /** Name of the session log group, `/aws/ssm/<environmentName>/sessions`; undefined without one. */
  readonly logGroupName?: string;
  /** The transcript bucket created here; undefined with S3 logging off or a central bucket. */
  readonly transcriptBucket?: S3Bucket;
  /** Name of the transcript bucket created here; undefined with S3 logging off or a central bucket. */
  readonly transcriptBucketName?: string;
  /** The transcript bucket's policy (TLS only), as data; undefined without the bucket. */
  readonly transcriptBucketPolicy?: PolicyDocument;
  /** The bucket the transcript bucket writes its server access logs to; undefined without the transcript bucket. */
  readonly accessLogBucket?: S3Bucket;
  /** Name of the access-log bucket; undefined without the transcript bucket. */
  readonly accessLogBucketName?: string;
  /**
   * The access-log bucket's policy (TLS only, and S3 log delivery for the transcript bucket), as
   * data; undefined without the bucket.
   *
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
   */
  readonly accessLogBucketPolicy?: PolicyDocument;

  constructor(scope: Construct, id: string, props: SessionAuditLogsProps) {
    super(scope, id);
    const where = this.node.path;
    const resolved = resolveRegion(this, props.region, props.provider);
    const region = resolved.region;
    const s3Enabled = props.s3LoggingEnabled ?? true;
    const cloudWatchEnabled = props.cloudWatchLoggingEnabled ?? true;
    const central = props.centralBucketName !== undefined;
    const archiveAfterDays = props.transcriptArchiveAfterDays ?? SESSION_AUDIT_LOGS_DEFAULTS.transcriptArchiveAfterDays;
    const expirationDays = props.transcriptExpirationDays ?? SESSION_AUDIT_LOGS_DEFAULTS.transcriptExpirationDays;
    const names = auditLogNames(props.environmentName, props.accountId, region);
    reportProblems(this, [
      ...resolved.problems,
      ...propChecks(where, props),
      ...combinationProblems(where, props, {
        s3Enabled,
        cloudWatchEnabled,
        central,
        archiveAfterDays,
        expirationDays,
        names,
      }),
    ]);

    const provider = props.provider;
    const logGroupNames = [...(cloudWatchEnabled ? [names.logGroup] : []), ...(props.additionalLogGroupNames ?? [])];
    this.keyPolicy = sessionKeyPolicy({
      accountId: props.accountId,
      region: region,
      logGroupNames,
    });
    this.kmsKey = this.addKey(props, region, names.keyAlias);
    // One token for every use, so that callers can compare what they were given.
    const keyArn = this.kmsKey.arn;
    this.kmsKeyArn = keyArn;

    if (cloudWatchEnabled) {
      this.logGroupName = names.logGroup;
      this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
        provider,
        name: names.logGroup,
        kmsKeyId: keyArn,
        retentionInDays: props.logRetentionDays ?? SESSION_AUDIT_LOGS_DEFAULTS.logRetentionDays,
      });
    }

    let s3BucketName: string | undefined;
    if (s3Enabled && central) {
      s3BucketName = props.centralBucketName;
      this.transcriptBucketKmsKeyArn = props.centralBucketKmsKeyArn;
    } else if (s3Enabled) {
      const { transcripts, accessLogs } = this.addBuckets(props, names, keyArn, archiveAfterDays, expirationDays);
      s3BucketName = names.transcriptBucket;
      this.transcriptBucketKmsKeyArn = keyArn;
      this.transcriptBucket = transcripts.bucket;
      this.transcriptBucketName = names.transcriptBucket;
      this.transcriptBucketPolicy = transcripts.policyDocument;
      this.accessLogBucket = accessLogs.bucket;
      this.accessLogBucketName = names.accessLogBucket;
      this.accessLogBucketPolicy = accessLogs.policyDocument;
    }

    this.destination = {
      region: region,
      ...(s3BucketName === undefined
        ? {}
        : {
            s3BucketName,
            s3KeyPrefix:
              props.s3KeyPrefix ??
              (central
                ? `${SESSION_AUDIT_LOGS_DEFAULTS.s3KeyPrefix}/${props.accountId}/${region}`
                : SESSION_AUDIT_LOGS_DEFAULTS.s3KeyPrefix),
          }),
      ...(this.logGroupName === undefined ? {} : { logGroupName: this.logGroupName }),
      kmsKeyArn: keyArn,
      // A central bucket's own key: the agent's uploads are encrypted with it.
      ...(this.transcriptBucketKmsKeyArn !== undefined && this.transcriptBucketKmsKeyArn !== keyArn
        ? { s3KmsKeyArn: this.transcriptBucketKmsKeyArn }
        : {}),
    };
  }

  /** The session key ({@link keyPolicy}), with rotation on, and its alias. */
  private addKey(props: SessionAuditLogsProps, region: AwsRegion, aliasName: string): KmsKey {
    const key = new KmsKey(this, 'key', {
      provider: props.provider,
      description: `Session Manager sessions and transcripts of ${props.environmentName} in ${region}`,
      enableKeyRotation: true,
      deletionWindowInDays: SESSION_KEY_DELETION_WINDOW_DAYS,
      policy: renderPolicy(this.keyPolicy),
    });
    new KmsAlias(this, 'key-alias', { provider: props.provider, name: aliasName, targetKeyId: key.keyId });
    return key;
  }

  /**
   * The transcript bucket (SSE-KMS with the session key, access-logged, Object Lock when asked) and
   * its access-log bucket. S3 server access logging supports only SSE-S3 on the target bucket, so
   * the access-log bucket uses AES256; it is the one bucket here without SSE-KMS and without access
   * logging of its own (a target bucket must not log to itself, and must not use Object Lock).
   */
  private addBuckets(
    props: SessionAuditLogsProps,
    names: ReturnType<typeof auditLogNames>,
    keyArn: string,
    archiveAfterDays: number,
    expirationDays: number,
  ): { readonly transcripts: PrivateBucket; readonly accessLogs: PrivateBucket } {
    const accessLogs = new PrivateBucket(this, 'access-logs', {
      provider: props.provider,
      bucketName: names.accessLogBucket,
      archiveAfterDays,
      expirationDays,
      extraStatements: [
        {
          Sid: 'AllowServerAccessLogDelivery',
          Effect: 'Allow',
          // Bucket-owner-enforced ownership disables ACLs, so log delivery is granted here.
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${names.accessLogBucket}/${names.transcriptBucket}/*`,
          Condition: {
            ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${names.transcriptBucket}` },
            StringEquals: { 'aws:SourceAccount': props.accountId },
          },
        },
      ],
    });
    const transcripts = new PrivateBucket(this, 'transcripts', {
      provider: props.provider,
      bucketName: names.transcriptBucket,
      kmsKeyArn: keyArn,
      archiveAfterDays,
      expirationDays,
      accessLogs: { target: accessLogs, targetPrefix: `${names.transcriptBucket}/` },
      ...(props.objectLockMode && props.objectLockRetentionDays
        ? { objectLock: { mode: props.objectLockMode, days: props.objectLockRetentionDays } }
        : {}),
    });
    return { transcripts, accessLogs };
  }
}

/** The checks of single props. */
function propChecks(where: string, props: SessionAuditLogsProps): ConfigProblem[] {
  return propProblems(where, [
    ['accountId', props.accountId, rules.accountId],
    ['logRetentionDays', props.logRetentionDays, sessionRules.logRetentionDays],
    ['transcriptArchiveAfterDays', props.transcriptArchiveAfterDays, sessionRules.lifecycleDays],
    ['transcriptExpirationDays', props.transcriptExpirationDays, sessionRules.transcriptExpirationDays],
    ['objectLockMode', props.objectLockMode, sessionRules.objectLockMode],
    ['objectLockRetentionDays', props.objectLockRetentionDays, sessionRules.lifecycleDays],
    ['s3KeyPrefix', props.s3KeyPrefix, sessionRules.s3KeyPrefix],
    ['centralBucketName', props.centralBucketName, sessionRules.s3BucketName],
    ['centralBucketKmsKeyArn', props.centralBucketKmsKeyArn, sessionRules.kmsKeyArn],
    ...(props.additionalLogGroupNames ?? []).map(
      (name, i) => [`additionalLogGroupNames.${i}`, name, sessionRules.logGroupName] as const,
    ),
  ]);
}

export { auditLogNames } from './names';

export interface SessionKeyPolicyProps {
  readonly accountId: string;
  readonly region: AwsRegion;
  /** Log groups CloudWatch Logs may encrypt with the key. */
  readonly logGroupNames: readonly string[];
}

/**
 * The session key's policy. The account statement is what lets IAM policies in the account grant
 * use of the key (the instance role's kms:Decrypt, the users' kms:GenerateDataKey): without it,
 * IAM permissions on a KMS key count for nothing. CloudWatch Logs may use the key only for the
 * named log groups of this region (the encryption context names the log group).
 */
export function sessionKeyPolicy(props: SessionKeyPolicyProps): PolicyDocument {
  const logGroupArns = props.logGroupNames.map(
    (name) => `arn:aws:logs:${props.region}:${props.accountId}:log-group:${name}`,
  );
  return policyDocument([
    {
      Sid: 'AllowAccountIamPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
      Action: 'kms:*',
      // A key policy's only resource is the key itself.
      Resource: '*',
    },
    ...(logGroupArns.length === 0
      ? []
      : [
          {
            Sid: 'AllowCloudWatchLogsForTheseLogGroups',
            Effect: 'Allow' as const,
            Principal: { Service: `logs.${props.region}.amazonaws.com` },
            Action: [
              'kms:Encrypt',
              'kms:Decrypt',
              'kms:ReEncryptFrom',
              'kms:ReEncryptTo',
              'kms:GenerateDataKey',
              'kms:GenerateDataKeyWithoutPlaintext',
              'kms:DescribeKey',
            ],
            // A key policy's only resource is the key itself.
            Resource: '*',
            Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArns } },
          },
        ]),
  ]);
}

interface Derived {
  readonly s3Enabled: boolean;
  readonly cloudWatchEnabled: boolean;
  readonly central: boolean;
  readonly archiveAfterDays: number;
  readonly expirationDays: number;
  readonly names: ReturnType<typeof auditLogNames>;
}

/** The props' names for the transcript rules the environment schema shares. */
const TRANSCRIPT_FIELDS: FieldNames<TranscriptSettings> = {
  s3Enabled: 's3LoggingEnabled',
  cloudWatchEnabled: 'cloudWatchLoggingEnabled',
  centralBucket: 'centralBucketName',
  objectLock: 'objectLockMode',
  objectLockDays: 'objectLockRetentionDays',
  archiveAfterDays: 'transcriptArchiveAfterDays',
  expirationDays: 'transcriptExpirationDays',
};

/** The checks that involve more than one prop. */
function combinationProblems(where: string, props: SessionAuditLogsProps, d: Derived): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, value: unknown, message: string) =>
    problems.push({ file: where, path, value, message });

  const settings: TranscriptSettings = {
    s3Enabled: d.s3Enabled,
    cloudWatchEnabled: d.cloudWatchEnabled,
    centralBucket: props.centralBucketName,
    objectLock: props.objectLockMode,
    objectLockDays: props.objectLockRetentionDays,
    archiveAfterDays: d.archiveAfterDays,
    expirationDays: d.expirationDays,
  };
  for (const p of checkCombinations(settings, transcriptRules(TRANSCRIPT_FIELDS), TRANSCRIPT_FIELDS)) {
    problem(p.path, p.value, p.message);
  }
  if ((props.centralBucketName === undefined) !== (props.centralBucketKmsKeyArn === undefined)) {
    problem(
      'centralBucketKmsKeyArn',
      props.centralBucketKmsKeyArn,
      'must be set together with centralBucketName (the central bucket is SSE-KMS encrypted). Set both or neither',
    );
  }
  if ((props.objectLockMode === undefined) !== (props.objectLockRetentionDays === undefined)) {
    problem(
      'objectLockRetentionDays',
      props.objectLockRetentionDays,
      'must be set together with objectLockMode. Set both or neither',
    );
  }
  if (d.s3Enabled && !d.central) {
    for (const [path, name] of [
      ['environmentName', d.names.transcriptBucket],
      ['environmentName', d.names.accessLogBucket],
    ] as const) {
      if (!sessionRules.s3BucketName.test(name)) {
        problem(
          path,
          props.environmentName,
          `must be short enough for the bucket name "${name}" (${name.length} characters; S3 allows 3-63). Use a shorter environment name`,
        );
      }
    }
  }
  return problems;
}
