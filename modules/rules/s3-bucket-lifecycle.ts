import type { Rule } from './rule';
import { type Resource, buckets } from './terraform-json';

/** Buckets have an enabled lifecycle rule that expires objects and one that aborts incomplete multipart uploads. */
export const s3BucketLifecycle: Rule = (json) =>
  buckets(json).flatMap(({ address, of }) => {
    const enabled = of('aws_s3_bucket_lifecycle_configuration')
      .flatMap((l) => l.rule ?? [])
      .filter((r: Resource) => r.status === 'Enabled');
    const problems: string[] = [];
    if (!enabled.some((r: Resource) => r.expiration?.some((e: Resource) => typeof e.days === 'number'))) {
      problems.push('no lifecycle rule expires objects');
    }
    if (!enabled.some((r: Resource) => r.abort_incomplete_multipart_upload?.length > 0)) {
      problems.push('no lifecycle rule aborts incomplete multipart uploads');
    }
    return problems.map((message) => ({ address, message }));
  });
