import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';

/**
 * One private, versioned, encrypted S3 bucket with a lifecycle, a TLS-only policy and
 * bucket-owner-enforced ownership. Internal to session-audit-logs (not re-exported).
 */
export interface PrivateBucketProps {
  readonly provider: AwsProvider;
  readonly bucketName: string;
  /** A KMS key ARN for SSE-KMS with an S3 Bucket Key; omitted means SSE-S3 (AES256). */
  readonly kmsKeyArn?: string;
  /** Days after which current objects move to S3 Glacier Instant Retrieval. */
  readonly archiveAfterDays: number;
  /** Days after which current objects expire; noncurrent versions are kept as long again. */
  readonly expirationDays: number;
  /** Server access logging to another bucket; omitted for the access-log bucket itself. */
  readonly accessLogs?: { readonly target: PrivateBucket; readonly targetPrefix: string };
  /** Object Lock default retention; only at creation (the bucket is replaced to add it). */
  readonly objectLock?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days: number };
  /** Statements besides the TLS-only Deny. */
  readonly extraStatements?: readonly PolicyStatement[];
}

/** Multipart uploads that never completed are removed after this many days. */
export const ABORT_INCOMPLETE_UPLOADS_DAYS = 7;

export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly arn: string;
  readonly policyDocument: PolicyDocument;
  /**
   * What must exist before another bucket may log into this one: S3 checks the target's policy
   * (and its encryption) when `PutBucketLogging` is called, not when a log is delivered.
   */
  readonly logTargetReady: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const provider = props.provider;
    this.arn = `arn:aws:s3:::${props.bucketName}`;

    this.bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: props.bucketName,
      // Audit data: a bucket that still holds objects is never deleted by Terraform.
      forceDestroy: false,
      ...(props.objectLock ? { objectLockEnabled: true } : {}),
    });
    const bucket = this.bucket.id;

    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership-controls', {
      provider,
      bucket,
      // ACLs off: the bucket owner owns every object, whoever wrote it.
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      provider,
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    const encryption = this.addEncryption(provider, props.kmsKeyArn);

    this.policyDocument = policyDocument([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [this.arn, `${this.arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      ...(props.extraStatements ?? []),
    ]);
    const policy = new S3BucketPolicy(this, 'policy', {
      provider,
      bucket,
      policy: renderPolicy(this.policyDocument),
      // S3 rejects concurrent changes to a bucket's policy and its public access block.
      dependsOn: [publicAccess],
    });
    this.logTargetReady = [policy, encryption];

    this.addLifecycle(props, versioning);

    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access-logging', {
        provider,
        bucket,
        targetBucket: props.accessLogs.target.bucket.id,
        targetPrefix: props.accessLogs.targetPrefix,
        dependsOn: [...props.accessLogs.target.logTargetReady],
      });
    }

    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        provider,
        bucket,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        dependsOn: [versioning],
      });
    }
  }

  /** Default encryption: SSE-KMS with an S3 Bucket Key when a key is given, else SSE-S3 (AES256). */
  private addEncryption(
    provider: AwsProvider,
    kmsKeyArn: string | undefined,
  ): S3BucketServerSideEncryptionConfigurationA {
    return new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      provider,
      bucket: this.bucket.id,
      rule: [
        kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn },
              // One data key per bucket instead of one KMS call per object.
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
  }

  /**
   * Current objects to S3 Glacier Instant Retrieval, then expired; old versions kept as long as
   * current ones; incomplete uploads and expired delete markers removed.
   */
  private addLifecycle(props: PrivateBucketProps, versioning: S3BucketVersioningA): void {
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      provider: props.provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: 'archive-then-expire',
          status: 'Enabled',
          filter: [{}],
          // Glacier Instant Retrieval: cheaper, and still readable at once during an investigation.
          // S3 skips objects under 128 KB by default (transition_default_minimum_object_size), since
          // they would cost more there; short transcripts stay in Standard until they expire.
          transition: [{ days: props.archiveAfterDays, storageClass: 'GLACIER_IR' }],
          expiration: [{ days: props.expirationDays }],
          // An overwritten or deleted object is evidence too: keep old versions as long as current ones.
          noncurrentVersionExpiration: [{ noncurrentDays: props.expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_DAYS }],
        },
        {
          id: 'remove-expired-delete-markers',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
      dependsOn: [versioning],
    });
  }
}
