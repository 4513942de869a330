import type { Rule } from './rule';
import { type Resource, buckets } from './terraform-json';

/**
 * Buckets are encrypted with a KMS key (SSE-KMS). The documented exception: a bucket that receives
 * server access logs must use SSE-S3 (AES256), the only default encryption S3 server access
 * logging supports on its target.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
export const s3BucketEncrypted: Rule = (json) =>
  buckets(json).flatMap(({ address, of, isAccessLogTarget }) => {
    const defaults = of('aws_s3_bucket_server_side_encryption_configuration')
      .flatMap((e) => e.rule ?? [])
      .map((r: Resource) => r.apply_server_side_encryption_by_default ?? {});
    if (isAccessLogTarget) {
      const algorithms = defaults.map((d: Resource) => d.sse_algorithm);
      return algorithms.length === 1 && algorithms[0] === 'AES256'
        ? []
        : [
            {
              address,
              message: `receives server access logs, so it must use SSE-S3 (AES256), got ${algorithms.join(',') || 'none'}`,
            },
          ];
    }
    const kms = defaults.some((d: Resource) => d.sse_algorithm === 'aws:kms' && d.kms_master_key_id);
    return kms ? [] : [{ address, message: 'not encrypted with a KMS key (SSE-KMS)' }];
  });
