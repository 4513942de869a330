import type { Rule } from './rule';
import { accountPattern, asList, resources, statementsOf } from './terraform-json';

/**
 * KMS keys have a key policy that lets the account's IAM policies grant use of the key (an Allow
 * for the account root), so access is decided in IAM and the key cannot become unmanageable.
 */
export const kmsKeyPolicyForAccount: Rule = (json) => {
  const root = new RegExp(`^arn:aws:iam::${accountPattern(json)}:root$`);
  return resources(json, 'aws_kms_key').flatMap(([id, key]) => {
    const address = `aws_kms_key.${id}`;
    if (typeof key.policy !== 'string') return [{ address, message: 'has no key policy' }];
    const granted = statementsOf(key.policy).some(
      (s) =>
        s.Effect === 'Allow' &&
        typeof s.Principal === 'object' &&
        asList(s.Principal.AWS).some((p) => root.test(String(p))),
    );
    return granted ? [] : [{ address, message: "the key policy does not let the account's IAM policies grant use" }];
  });
};
