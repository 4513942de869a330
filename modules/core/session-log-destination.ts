import type { AwsRegion } from './rules';

/**
 * Where one region's Session Manager transcripts go: what the preferences document points at,
 * and exactly what the managed-instance role must be allowed to write to.
 *
 * `SessionAuditLogs.destination` builds it; pass it to `SessionPreferences` (`destination`) and
 * to `ManagedInstanceRole` (`logDestinations`) so both agree on the same bucket, log group and key.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
 */
export interface SessionLogDestination {
  /** The region whose instances write here (Session Manager preferences are regional). */
  readonly region: AwsRegion;
  /** S3 bucket for transcripts; omitted when S3 logging is off. */
  readonly s3BucketName?: string;
  /** Key prefix inside the bucket, without a trailing slash. */
  readonly s3KeyPrefix?: string;
  /** CloudWatch Logs group for transcripts; omitted when CloudWatch logging is off. */
  readonly logGroupName?: string;
  /** KMS key (ARN, may be a Terraform reference) that encrypts sessions and transcripts. */
  readonly kmsKeyArn?: string;
  /**
   * The KMS key of the transcript bucket's own default encryption (SSE-KMS), when it is not
   * `kmsKeyArn`: a central bucket in a log-archive account has its own key, and the agent's
   * uploads are encrypted with it, so the instance role needs it too.
   *
   * @default - `kmsKeyArn` (a bucket created by `SessionAuditLogs` uses the session key)
   */
  readonly s3KmsKeyArn?: string;
}
