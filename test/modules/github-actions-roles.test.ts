import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { TerraformStack, Testing } from 'cdktf';
import { ConfigError } from '../../modules/core/config-error';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { lintPolicy } from '../../modules/core/policy-lint';
import { GitHubActionsRoles, type GitHubActionsRolesProps } from '../../modules/github-oidc/github-actions-roles';
import { TERRAFORM_RESOURCE_ACTIONS } from '../../modules/github-oidc/terraform-actions';
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
  regions: ['eu-west-1'],
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

  it('attaches no AWS-managed policy: the reads to both roles, the changes and guards to the deploy role', () => {
    const json = synth();
    const policies = json.resource.aws_iam_policy as Record<string, { name: string }>;
    const nameOf = (arn: string) => policies[/^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/.exec(arn)![1]].name;
    const roles = json.resource.aws_iam_role as Record<string, { name: string }>;
    const roleOf = (ref: string) => roles[/^\$\{aws_iam_role\.([\w-]+)\.name\}$/.exec(ref)![1]].name;
    const attachments = Object.values(json.resource.aws_iam_role_policy_attachment) as {
      policy_arn: string;
      role: string;
    }[];
    expect(attachments.map((a) => `${roleOf(a.role)} <- ${nameOf(a.policy_arn)}`).sort()).toEqual([
      'example-github-deploy <- example-github-deploy-changes',
      'example-github-deploy <- example-github-deploy-guards',
      'example-github-deploy <- example-github-plan-read',
      'example-github-plan <- example-github-plan-read',
    ]);
    for (const role of Object.values(json.resource.aws_iam_role) as { permissions_boundary: string }[]) {
      expect(nameOf(role.permissions_boundary)).toBe('example-permissions-boundary');
    }
  });

  it('plan role: the refresh reads of exactly the resource types in the stack, and the state object and its lock file', () => {
    const json = synth();
    const planRead = Object.values(
      json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    ).find((p) => p.name === 'example-github-plan-read')!;
    const [reads] = readPolicy(planRead.policy).Statement;
    expect(reads).toEqual({
      Sid: 'TerraformRefreshReads',
      Effect: 'Allow',
      Action: [
        'iam:GetOpenIDConnectProvider',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
      ],
      Resource: '*',
    });
    const inline = Object.values(json.resource.aws_iam_role_policy) as { name: string; policy: string }[];
    const state = inline.find((p) => p.name === 'terraform-state-read')!;
    expect(readPolicy(state.policy).Statement.map((s) => [s.Action, s.Resource])).toEqual([
      ['s3:ListBucket', 'arn:aws:s3:::corp-tf-state'],
      ['s3:GetObject', 'arn:aws:s3:::corp-tf-state/example/terraform.tfstate'],
      [
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        'arn:aws:s3:::corp-tf-state/example/terraform.tfstate.tflock',
      ],
    ]);
    const write = inline.find((p) => p.name === 'terraform-state-write')!;
    expect(readPolicy(write.policy).Statement.map((s) => [s.Action, s.Resource])).toEqual([
      ['s3:ListBucket', 'arn:aws:s3:::corp-tf-state'],
      [['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::corp-tf-state/example/terraform.tfstate'],
      [
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        'arn:aws:s3:::corp-tf-state/example/terraform.tfstate.tflock',
      ],
    ]);
  });

  it('a resource type the action table does not know stops the synth with a ConfigError naming it', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const roles = new GitHubActionsRoles(stack, 'ci', props);
    new SsmParameter(stack, 'parameter', { name: 'example-setting', type: 'String', value: 'x' });
    expect(() => roles.policiesToCheck()).toThrow(ConfigError);
    expect(() => roles.policiesToCheck()).toThrow(
      'test/ci: resource types of the stack must each be in TERRAFORM_RESOURCE_ACTIONS (modules/github-oidc/terraform-actions.ts), or the CI roles could neither plan nor deploy them. Add the type',
    );
    expect(() => roles.policiesToCheck()).toThrow('(got "aws_ssm_parameter")');
    expect(() => Testing.synth(stack)).toThrow('aws_ssm_parameter');
  });

  it('the action table lists reads for every type, and only configuration reads', () => {
    for (const [type, actions] of Object.entries(TERRAFORM_RESOURCE_ACTIONS)) {
      expect({ type, reads: actions.read.length > 0 }).toEqual({ type, reads: true });
      for (const action of actions.read) {
        expect({
          type,
          action,
          data: /^(s3:GetObject|logs:(GetLogEvents|FilterLogEvents|StartQuery)|kms:Decrypt|sqs:ReceiveMessage)/.test(
            action,
          ),
        }).toEqual({ type, action, data: false });
      }
    }
    expect(Object.keys(TERRAFORM_RESOURCE_ACTIONS)).toEqual([...Object.keys(TERRAFORM_RESOURCE_ACTIONS)].sort());
  });

  it('its policies pass the policy lint and fit a managed policy', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const roles = new GitHubActionsRoles(stack, 'ci', props);
    for (const policy of roles.policiesToCheck()) expect(lintPolicy(policy)).toEqual([]);
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
    expect(() => synth({ regions: ['mars-1'] })).toThrow('regions.0');
  });
});
