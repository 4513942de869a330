import type { Rule } from './rule';
import { buckets } from './terraform-json';

/**
 * Buckets log their access to another bucket (`aws_s3_bucket_logging`). A bucket that receives
 * server access logs must not log its own access (each delivery would log another).
 */
export const s3BucketAccessLogged: Rule = (json) =>
  buckets(json).flatMap(({ address, isAccessLogTarget, logsItsAccess }) => {
    if (isAccessLogTarget && logsItsAccess) {
      return [{ address, message: 'receives server access logs and must not log its own access' }];
    }
    return !isAccessLogTarget && !logsItsAccess ? [{ address, message: 'has no server access logging' }] : [];
  });
