import type { Rule } from './rule';
import { buckets } from './terraform-json';

/** Buckets disable ACLs (object ownership `BucketOwnerEnforced`): only policies decide access. */
export const s3BucketAclsDisabled: Rule = (json) =>
  buckets(json)
    .filter(
      ({ of }) =>
        !of('aws_s3_bucket_ownership_controls').some((o) => o.rule?.object_ownership === 'BucketOwnerEnforced'),
    )
    .map(({ address }) => ({ address, message: 'ACLs are not disabled (BucketOwnerEnforced)' }));
