import type { Rule } from './rule';
import { buckets } from './terraform-json';

/** Buckets are versioned, so an overwritten or deleted object can be recovered. */
export const s3BucketVersioned: Rule = (json) =>
  buckets(json)
    .filter(({ of }) => !of('aws_s3_bucket_versioning').some((v) => v.versioning_configuration?.status === 'Enabled'))
    .map(({ address }) => ({ address, message: 'not versioned' }));
