import type { Rule } from './rule';
import { buckets } from './terraform-json';

/** Buckets block public access in all four ways (an `aws_s3_bucket_public_access_block`). */
export const s3BucketPublicAccessBlocked: Rule = (json) =>
  buckets(json)
    .filter(
      ({ of }) =>
        !of('aws_s3_bucket_public_access_block').some(
          (b) =>
            b.block_public_acls === true &&
            b.block_public_policy === true &&
            b.ignore_public_acls === true &&
            b.restrict_public_buckets === true,
        ),
    )
    .map(({ address }) => ({ address, message: 'public access is not blocked in all four ways' }));
