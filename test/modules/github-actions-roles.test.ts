import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { TerraformStack, Testing } from 'cdktf';
import { ConfigError } from '../../modules/core/config-error';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { lintPolicy, policiesInScope } from '../../modules/core/policy-lint';
import { GitHubActionsRoles, type GitHubActionsRolesProps } from '../../modules/github-oidc/github-actions-roles';
import {
  READS_WITHOUT_RESOURCE_TYPES,
  READ_SCOPE_OF_SERVICE,
  REFRESH_ARNS,
} from '../../modules/github-oidc/refresh-resources';
import { TERRAFORM_RESOURCE_ACTIONS } from '../../modules/github-oidc/terraform-actions';
import { decideUnsafe } from '../support/iam';
import { readPolicy } from '../support/synth';
import { validated } from '../support/validation';

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
  validated(() => new GitHubActionsRoles(stack, 'ci', { ...props, ...overrides })).grantManage(stack);
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
    // One policy per service family the stack has resources of (IAM only, here), besides the base and guards.
    expect(attachments.map((a) => `${roleOf(a.role)} <- ${nameOf(a.policy_arn)}`).sort()).toEqual([
      'example-github-deploy <- example-github-deploy-changes-identity',
      'example-github-deploy <- example-github-deploy-guards',
      'example-github-deploy <- example-github-plan-read',
      'example-github-deploy <- example-github-plan-read-identity',
      'example-github-plan <- example-github-plan-read',
      'example-github-plan <- example-github-plan-read-identity',
    ]);
    for (const role of Object.values(json.resource.aws_iam_role) as { permissions_boundary: string }[]) {
      expect(nameOf(role.permissions_boundary)).toBe('example-permissions-boundary');
    }
  });

  it('plan role: the refresh reads of exactly the resource types in the stack, and the state object and its lock file', () => {
    const json = synth();
    const planRead = Object.values(
      json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    ).find((p) => p.name === 'example-github-plan-read-identity')!;
    const [reads] = readPolicy(planRead.policy).Statement;
    expect(reads).toEqual({
      Sid: 'TerraformRefreshIam',
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
      // The stack's own IAM resources, by name: no other role's or policy's configuration.
      Resource: [
        `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        // The CI policies, split by family: by name pattern.
        `arn:aws:iam::${ACCOUNT}:policy/example-github-deploy-changes*`,
        `arn:aws:iam::${ACCOUNT}:policy/example-github-deploy-guards`,
        `arn:aws:iam::${ACCOUNT}:policy/example-github-plan-read*`,
        `arn:aws:iam::${ACCOUNT}:policy/example-permissions-boundary`,
        `arn:aws:iam::${ACCOUNT}:role/example-github-deploy`,
        `arn:aws:iam::${ACCOUNT}:role/example-github-plan`,
      ],
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

  it("plan role: reads keys by the stack's aliases, and a resource without a literal name by reference to its ARN", () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const roles = new GitHubActionsRoles(stack, 'ci', props);
    new KmsKey(stack, 'key', { description: 'a key' });
    new S3Bucket(stack, 'bucket', { bucketPrefix: 'example-' });
    new CloudwatchLogGroup(stack, 'group', { name: '/aws/example/sessions' });
    roles.grantManage(stack);
    const json = JSON.parse(Testing.synth(stack));
    const reads = Object.values(json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>)
      .filter((p) => p.name.startsWith('example-github-plan-read'))
      .flatMap((p) => readPolicy(p.policy).Statement);
    const bySid = Object.fromEntries(reads.map((s) => [s.Sid, s]));
    expect(bySid.TerraformRefreshS3.Resource).toEqual(['${aws_s3_bucket.bucket.arn}']);
    expect(bySid.TerraformRefreshKms).toEqual({
      Sid: 'TerraformRefreshKms',
      Effect: 'Allow',
      Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
      Resource: `arn:aws:kms:*:${ACCOUNT}:key/*`,
      Condition: {
        'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/example-*' },
        StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] },
      },
    });
    expect(bySid.TerraformRefreshStorageInRegions).toEqual({
      Sid: 'TerraformRefreshStorageInRegions',
      Effect: 'Allow',
      Action: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
      Resource: [
        `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/example/sessions`,
        `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/example/sessions:*`,
      ],
      Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
    });
    expect(bySid.TerraformRefreshReads).toEqual({
      Sid: 'TerraformRefreshReads',
      Effect: 'Allow',
      Action: ['logs:DescribeLogGroups'],
      Resource: '*',
    });
  });

  it('plan role: reads Identity Center resources by instance, permission set (by reference) and account', async () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const roles = new GitHubActionsRoles(stack, 'ci', props);
    const instanceArn = 'arn:aws:sso:::instance/ssoins-0123456789abcdef';
    const permissionSet = new SsoadminPermissionSet(stack, 'permission-set', { name: 'Shell', instanceArn });
    new SsoadminAccountAssignment(stack, 'assignment', {
      instanceArn,
      permissionSetArn: permissionSet.arn,
      principalType: 'GROUP',
      principalId: 'group-id',
      targetType: 'AWS_ACCOUNT',
      targetId: ACCOUNT,
    });
    roles.grantManage(stack);
    const json = JSON.parse(Testing.synth(stack));
    const planRead = Object.values(
      json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    ).find((p) => p.name === 'example-github-plan-read-identity')!;
    const reads = readPolicy(planRead.policy).Statement.find((s) => s.Sid === 'TerraformRefreshSso')!;
    expect([reads.Resource].flat()).toEqual(
      expect.arrayContaining([
        instanceArn,
        '${aws_ssoadmin_permission_set.permission-set.arn}',
        `arn:aws:sso:::account/${ACCOUNT}`,
      ]),
    );
    // With the reference as Terraform resolves it: this permission set, and no other.
    const own = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef';
    const policy = readPolicy(planRead.policy.replace('${aws_ssoadmin_permission_set.permission-set.arn}', own));
    const describe = (permissionSetArn: string) =>
      decideUnsafe({
        request: {
          principal: `arn:aws:sts::${ACCOUNT}:assumed-role/example-github-plan/GitHubActions`,
          action: 'sso:DescribePermissionSet',
          resource: { resource: permissionSetArn, accountId: ACCOUNT },
          contextVariables: {},
        },
        identityPolicies: [{ name: 'plan-read', policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      });
    await expect(describe(own)).resolves.toBe('Allowed');
    await expect(describe('arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-fedcba9876543210')).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('knows how to scope the refresh reads of every resource type of the action table', () => {
    for (const [type, actions] of Object.entries(TERRAFORM_RESOURCE_ACTIONS)) {
      const scoped = actions.read.filter((a) => !(a in READS_WITHOUT_RESOURCE_TYPES));
      const byAlias = READ_SCOPE_OF_SERVICE[scoped[0]?.split(':')[0]] === 'alias';
      expect({ type, arns: scoped.length === 0 || byAlias || type in REFRESH_ARNS }).toEqual({ type, arns: true });
      for (const action of scoped) {
        expect({ action, scope: READ_SCOPE_OF_SERVICE[action.split(':')[0]] }).toEqual({
          action,
          scope: expect.stringMatching(/^(global|regional|alias)$/),
        });
      }
    }
    expect(Object.keys(REFRESH_ARNS)).toEqual([...Object.keys(REFRESH_ARNS)].sort());
    expect(Object.keys(REFRESH_ARNS).filter((t) => !(t in TERRAFORM_RESOURCE_ACTIONS))).toEqual([]);
  });

  it('a resource type the action table does not know stops the synth with a ConfigError naming it', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const roles = new GitHubActionsRoles(stack, 'ci', props);
    new SsmParameter(stack, 'parameter', { name: 'example-setting', type: 'String', value: 'x' });
    expect(() => roles.grantManage(stack)).toThrow(ConfigError);
    expect(() => roles.grantManage(stack)).toThrow(
      'test/ci: resource types of the stack must each have an entry in RESOURCE_TYPES (modules/core/resource-types.ts), or the CI roles could neither plan nor deploy them. Add the type',
    );
    expect(() => roles.grantManage(stack)).toThrow('(got "aws_ssm_parameter")');
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
    roles.grantManage(stack);
    for (const policy of [...roles.policiesToCheck(), ...policiesInScope(stack)])
      expect(lintPolicy(policy)).toEqual([]);
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
