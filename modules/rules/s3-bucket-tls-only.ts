import type { Rule } from './rule';
import { buckets, statementsOf } from './terraform-json';

/** Buckets have a policy that denies every request made without TLS (`aws:SecureTransport` false). */
export const s3BucketTlsOnly: Rule = (json) =>
  buckets(json)
    .filter(
      ({ of }) =>
        !of('aws_s3_bucket_policy').some((p) =>
          statementsOf(p.policy).some(
            (s) => s.Effect === 'Deny' && s.Principal === '*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
          ),
        ),
    )
    .map(({ address }) => ({ address, message: 'the bucket policy does not deny requests without TLS' }));
