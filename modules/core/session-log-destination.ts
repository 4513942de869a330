import type { AwsRegion } from './rules';

/**
 * Where one region's Session Manager transcripts go: what the preferences document points at,
 * and exactly what the managed-instance role must be allowed to write to.
 */
export interface SessionLogDestination {
  readonly region: AwsRegion;
  /** S3 bucket for transcripts; omitted when S3 logging is off. */
  readonly s3BucketName?: string;
  /** Key prefix inside the bucket, without a trailing slash. */
  readonly s3KeyPrefix?: string;
  /** CloudWatch Logs group for transcripts; omitted when CloudWatch logging is off. */
  readonly logGroupName?: string;
  /** KMS key (ARN, may be a Terraform reference) that encrypts sessions and transcripts. */
  readonly kmsKeyArn?: string;
}
