import { TerraformStack, Testing } from 'cdktf';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { GitHubActionsRoles, type GitHubActionsRolesProps } from '../../modules/github-oidc/github-actions-roles';
import { decideUnsafe } from '../support/iam';
import { readPolicy } from '../support/synth';

const ACCOUNT = '111111111111';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const props: GitHubActionsRolesProps = {
  accountId: ACCOUNT,
  repository: 'corp/ssm-access',
  deployEnvironment: 'example',
  planRoleName: 'example-github-plan',
  deployRoleName: 'example-github-deploy',
  state: { bucket: 'corp-tf-state', key: 'example/terraform.tfstate' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synth(overrides: Partial<GitHubActionsRolesProps> = {}): any {
  const stack = new TerraformStack(Testing.app(), 'test');
  new GitHubActionsRoles(stack, 'ci', { ...props, ...overrides });
  return JSON.parse(Testing.synth(stack));
}

function trustOf(name: string): PolicyDocument {
  const roles = Object.values(synth().resource.aws_iam_role) as { name: string; assume_role_policy: string }[];
  return readPolicy(roles.find((r) => r.name === name)!.assume_role_policy);
}

function assume(policy: PolicyDocument, sub: string, aud = 'sts.amazonaws.com') {
  return decideUnsafe({
    request: {
      principal: PROVIDER,
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: { resource: `arn:aws:iam::${ACCOUNT}:role/any`, accountId: ACCOUNT },
      contextVariables: {
        'token.actions.githubusercontent.com:sub': sub,
        'token.actions.githubusercontent.com:aud': aud,
      },
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policy,
  });
}

describe('GitHubActionsRoles', () => {
  it('creates the OIDC provider for the STS audience, unless told another stack has it', () => {
    expect(Object.values(synth().resource.aws_iam_openid_connect_provider)).toEqual([
      expect.objectContaining({
        url: 'https://token.actions.githubusercontent.com',
        client_id_list: ['sts.amazonaws.com'],
      }),
    ]);
    expect(synth({ createOidcProvider: false }).resource.aws_iam_openid_connect_provider).toBeUndefined();
  });

  it('plan role: read-only, and the state object and its lock file only', () => {
    const json = synth();
    const attachments = Object.values(json.resource.aws_iam_role_policy_attachment) as {
      policy_arn: string;
      role: string;
    }[];
    expect(attachments.map((a) => a.policy_arn).sort()).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
    const [state] = Object.values(json.resource.aws_iam_role_policy) as { policy: string }[];
    expect(readPolicy(state.policy).Statement.map((s) => [s.Action, s.Resource])).toEqual([
      ['s3:ListBucket', 'arn:aws:s3:::corp-tf-state'],
      ['s3:GetObject', 'arn:aws:s3:::corp-tf-state/example/terraform.tfstate'],
      [
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        'arn:aws:s3:::corp-tf-state/example/terraform.tfstate.tflock',
      ],
    ]);
  });

  it.each([
    ['a pull request of the repository', 'repo:corp/ssm-access:pull_request'],
    ['the main branch', 'repo:corp/ssm-access:ref:refs/heads/main'],
  ])('plan role: trusts %s', async (_label, sub) => {
    await expect(assume(trustOf('example-github-plan'), sub)).resolves.toBe('Allowed');
  });

  it.each([
    ['another repository', 'repo:corp/other:pull_request'],
    ['another branch', 'repo:corp/ssm-access:ref:refs/heads/feature'],
  ])('plan role: refuses %s', async (_label, sub) => {
    await expect(assume(trustOf('example-github-plan'), sub)).resolves.toBe('ImplicitlyDenied');
  });

  it('plan role: refuses another audience', async () => {
    await expect(assume(trustOf('example-github-plan'), 'repo:corp/ssm-access:pull_request', 'other')).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('deploy role: trusts only jobs in the protected environment', async () => {
    const trust = trustOf('example-github-deploy');
    await expect(assume(trust, 'repo:corp/ssm-access:environment:example')).resolves.toBe('Allowed');
    await expect(assume(trust, 'repo:corp/ssm-access:environment:prod')).resolves.toBe('ImplicitlyDenied');
    await expect(assume(trust, 'repo:corp/ssm-access:pull_request')).resolves.toBe('ImplicitlyDenied');
    await expect(assume(trust, 'repo:corp/ssm-access:ref:refs/heads/main')).resolves.toBe('ImplicitlyDenied');
    await expect(assume(trust, 'repo:evil/ssm-access:environment:example')).resolves.toBe('ImplicitlyDenied');
  });

  it('validates the repository and role names', () => {
    expect(() => synth({ repository: 'just-a-name' })).toThrow(
      'test/ci: repository must be a GitHub repository as "owner/name"',
    );
    expect(() => synth({ deployRoleName: 'x'.repeat(65) })).toThrow('deployRoleName must be a valid IAM role name');
  });
});
