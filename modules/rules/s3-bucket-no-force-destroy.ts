import type { Rule } from './rule';
import { buckets } from './terraform-json';

/** Buckets do not set `force_destroy`, which lets a destroy delete every object (audit logs included). */
export const s3BucketNoForceDestroy: Rule = (json) =>
  buckets(json)
    .filter(({ bucket }) => bucket.force_destroy === true)
    .map(({ address }) => ({ address, message: 'force_destroy is on' }));
