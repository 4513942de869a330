import type { Rule } from './rule';
import { asList, rolePolicies } from './terraform-json';

/**
 * No identity policy of a role allows every action (`"*"`) or every IAM action (`"iam:*"`): either
 * administers the account. A policy whose text is not literal JSON cannot be checked and is reported.
 */
export const iamNoAdminActions: Rule = (json) =>
  rolePolicies(json).flatMap(({ address, document }) => {
    if (!document) return [{ address, message: 'the policy is not literal JSON, so it cannot be checked' }];
    return document.Statement.filter(
      (s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === '*' || a === 'iam:*'),
    ).map((s) => ({ address, message: `statement ${s.Sid} allows ${JSON.stringify(s.Action)}`, detail: s.Sid }));
  });
