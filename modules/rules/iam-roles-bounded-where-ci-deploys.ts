import type { Rule } from './rule';
import { resources } from './terraform-json';

/**
 * Where CI deploys the stack (it has a GitHub OIDC provider, or a role GitHub Actions assumes),
 * every role carries a permissions boundary, so the deploy role cannot create a role that does
 * more than the boundary allows.
 */
export const iamRolesBoundedWhereCiDeploys: Rule = (json) => {
  const ci =
    resources(json, 'aws_iam_openid_connect_provider').length > 0 ||
    resources(json, 'aws_iam_role').some(([, r]) =>
      String(r.assume_role_policy).includes('token.actions.githubusercontent.com'),
    );
  if (!ci) return [];
  return resources(json, 'aws_iam_role')
    .filter(([, r]) => typeof r.permissions_boundary !== 'string' || r.permissions_boundary === '')
    .map(([id]) => ({
      address: `aws_iam_role.${id}`,
      message: 'no permissions boundary, though CI deploys this stack',
    }));
};
