import type { Rule } from './rule';
import { asList, resources } from './terraform-json';

/** AWS-managed policies that amount to administering the account (IAM full access included). */
const ADMIN_MANAGED_POLICY = /^arn:aws:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/** No role gets AdministratorAccess, PowerUserAccess or IAMFullAccess, by attachment or `managed_policy_arns`. */
export const iamNoAdminManagedPolicies: Rule = (json) => [
  ...resources(json, 'aws_iam_role_policy_attachment')
    .filter(([, a]) => ADMIN_MANAGED_POLICY.test(String(a.policy_arn)))
    .map(([id, a]) => ({ address: `aws_iam_role_policy_attachment.${id}`, message: `attaches ${a.policy_arn}` })),
  ...resources(json, 'aws_iam_role').flatMap(([id, r]) =>
    asList(r.managed_policy_arns)
      .filter((arn) => ADMIN_MANAGED_POLICY.test(String(arn)))
      .map((arn) => ({ address: `aws_iam_role.${id}`, message: `managed_policy_arns include ${arn}` })),
  ),
];
