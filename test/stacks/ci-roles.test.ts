import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EnvironmentSource, environmentSources } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { POLICY_QUOTAS, quotaSize } from '../../modules/core/policy-lint';
import { CI_SIDS } from '../../modules/github-oidc/ci-policies';
import { accessMatrix, readAccess, runMatrix } from '../../cli/access/access-matrix';
import { type AuthorizedCall, type SynthesizedCiAccess, disallowedCalls } from '../../cli/access/ci-access';
import { readResolvedPolicy, resolveReferences } from '../support/policies';
import { type SynthesizedStack, synthesize } from '../support/synth';

/**
 * The GitHub Actions plan role can refresh every shipped environment: each read call the AWS
 * provider makes for each resource type in the stack (a reviewed fixture of the provider's read
 * functions) is evaluated against the synthesized plan-role policies and boundary.
 */

interface FixtureCall {
  readonly call: string;
  readonly action: string;
  readonly resource: string;
}
const FIXTURE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'provider-read-calls.json'), 'utf8')) as {
  types: Record<string, FixtureCall[]>;
};

/** The example has no `ci`; this copy has, so that its resource types (VPC endpoints) are covered too. */
const exampleSource = environmentSources.find((s) => s.input.name === 'example')!;
const EXAMPLE_WITH_CI: EnvironmentSource = {
  file: 'test/stacks/ci-roles.test.ts',
  input: { ...exampleSource.input, ci: { githubRepository: 'example-org/ssm-federated-access' } },
};
const sources = [...environmentSources.filter((s) => s.input.name !== 'example'), EXAMPLE_WITH_CI];
const { configs, stacks } = synthesize(sources);
const environments = configs.map((config) => {
  const stack = stacks.get(config.name)!;
  return { name: config.name, config, stack, access: readAccess(config, stack) };
});

/** Where a resource names the resource its reads are about (a role policy reads its role). */
const PARENT_ATTRIBUTE: Readonly<Record<string, string>> = {
  aws_iam_role_policy: 'role',
  aws_iam_role_policy_attachment: 'role',
  aws_cloudwatch_event_target: 'rule',
  aws_lambda_function_event_invoke_config: 'function_name',
  aws_lambda_permission: 'function_name',
  aws_sqs_queue_policy: 'queue_url',
  aws_sns_topic_policy: 'arn',
  aws_sns_topic_subscription: 'topic_arn',
};

/**
 * The name of a resource, for the ARN of its read calls: its own, or that of the resource it refers
 * to (an invoke config or a permission names its function by reference); a stand-in otherwise,
 * which a policy scoped to the stack's resources refuses.
 */
function nameOf(stack: SynthesizedStack, type: string, attrs: Record<string, unknown>): string {
  const parent = PARENT_ATTRIBUTE[type];
  for (const key of parent ? [parent] : ['name', 'bucket', 'function_name', 'alarm_name']) {
    const value = attrs[key];
    if (typeof value !== 'string') continue;
    // A queue URL ends with the queue's name.
    if (!value.includes('${')) return key === 'queue_url' ? value.replace(/^.*\//, '') : value;
    const ref = /^\$\{([a-z0-9_]+)\.([\w-]+)\.[a-z_]+\}$/.exec(value);
    const target = ref ? stack.json.resource?.[ref[1]]?.[ref[2]] : undefined;
    if (target) return nameOf(stack, ref![1], target);
  }
  return 'resource-of-the-stack';
}

/** The provider's read calls for every resource of the stack, from the fixture. */
function providerReadCalls(stack: SynthesizedStack, account: string, missing: string[]): AuthorizedCall[] {
  const calls: AuthorizedCall[] = [];
  const providers = stack.json.provider.aws as { alias?: string; region: string }[];
  for (const [type, resources] of Object.entries(
    stack.json.resource as Record<string, Record<string, Record<string, unknown>>>,
  )) {
    const reads = FIXTURE.types[type];
    if (!reads) {
      missing.push(type);
      continue;
    }
    for (const [id, attrs] of Object.entries(resources)) {
      const alias = typeof attrs.provider === 'string' ? attrs.provider.replace(/^aws\./, '') : undefined;
      const region = (providers.find((p) => p.alias === alias) ?? providers.find((p) => !p.alias)!).region;
      // A KMS key decides with its key policy as well: evaluate against the stack's own.
      const key =
        type === 'aws_kms_key'
          ? {
              resource: resolveReferences(stack, `\${aws_kms_key.${id}.arn}`),
              resourcePolicy: readResolvedPolicy(stack, String(attrs.policy)),
            }
          : undefined;
      for (const read of reads) {
        calls.push({
          action: read.action,
          resource: read.resource
            .replace('{account}', account)
            .replace('{region}', region)
            .replace('{name}', nameOf(stack, type, attrs)),
          reason: `${type}.${id} refresh: ${read.call}`,
          // IAM's ARNs have no region: the call goes to its global endpoint.
          context: { 'aws:RequestedRegion': read.resource.startsWith('arn:aws:iam::') ? 'us-east-1' : region },
          ...key,
        });
      }
    }
  }
  return calls;
}

describe.each(environments)('plan role of $name', ({ config, stack, access }) => {
  const ci = access.ci as SynthesizedCiAccess;

  it('is allowed every read call the provider makes to refresh the stack', async () => {
    const missing: string[] = [];
    const calls = providerReadCalls(stack, config.accountId, missing);
    expect({ typesWithoutFixture: missing }).toEqual({ typesWithoutFixture: [] });
    expect(calls.length).toBeGreaterThan(50);
    await expect(
      disallowedCalls(config.accountId, ci.planRoleName, ci.planPolicies, ci.boundary, calls),
    ).resolves.toEqual([]);
  });

  it('fails when one of those reads is missing from its policy', async () => {
    const calls = providerReadCalls(stack, config.accountId, []);
    const without = (statements: readonly PolicyStatement[]) =>
      statements.map((s) =>
        s.Sid === CI_SIDS.refreshResourceReads
          ? { ...s, Action: [s.Action ?? []].flat().filter((a) => a !== 's3:GetBucketAcl') }
          : s,
      );
    const broken = ci.planPolicies.map((p) => ({ ...p, Statement: without(p.Statement) }));
    const denied = await disallowedCalls(config.accountId, ci.planRoleName, broken, ci.boundary, calls);
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((d) => d.startsWith('s3:GetBucketAcl on arn:aws:s3:::'))).toBe(true);
  });

  it('the deploy role refreshes as much (it plans again before it applies)', async () => {
    const calls = providerReadCalls(stack, config.accountId, []);
    await expect(
      disallowedCalls(config.accountId, ci.deployRoleName, ci.deployPolicies, ci.boundary, calls),
    ).resolves.toEqual([]);
  });

  it('every CI policy fits an IAM managed policy', () => {
    const policies = Object.values(
      stack.json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    );
    expect(policies.map((p) => p.name).sort()).toEqual(
      [
        `${config.name}-github-deploy-changes`,
        `${config.name}-github-deploy-guards`,
        `${config.name}-github-plan-read`,
        `${config.name}-permissions-boundary`,
      ].sort(),
    );
    for (const p of policies) {
      const size = quotaSize(readResolvedPolicy(stack, p.policy));
      expect({ name: p.name, fits: size <= POLICY_QUOTAS.managedPolicy.maxChars }).toEqual({
        name: p.name,
        fits: true,
      });
    }
  });

  it('every role of the stack carries the boundary', () => {
    const roles = Object.values(
      stack.json.resource.aws_iam_role as Record<string, { name: string; permissions_boundary?: string }>,
    );
    expect(roles.filter((r) => !r.permissions_boundary).map((r) => r.name)).toEqual([]);
    expect(new Set(roles.map((r) => r.permissions_boundary)).size).toBe(1);
  });
});

describe('the CI policies of dev, statement by statement (widening one means editing this list)', () => {
  const dev = environments.find((e) => e.name === 'dev')!;

  it('has exactly these actions', () => {
    const policies = Object.values(
      dev.stack.json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    );
    const actual = Object.fromEntries(
      policies
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((p) => [
          p.name,
          Object.fromEntries(
            readResolvedPolicy(dev.stack, p.policy).Statement.map((s) => [
              `${s.Sid} ${s.Effect}`,
              [s.Action ?? []].flat(),
            ]),
          ),
        ]),
    );
    expect(actual).toEqual(EXPECTED_DEV_POLICIES);
  });

  it("the plan role's reads name the stack's own resources, and keys by Terraform reference", () => {
    const planRead = Object.values(
      dev.stack.json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    ).find((p) => p.name === 'dev-github-plan-read')!;
    const statements = Object.fromEntries(
      readResolvedPolicy(dev.stack, planRead.policy).Statement.map((s) => [s.Sid, s]),
    );
    // Every key of the stack, as its ARN resolves at apply time.
    const keys = Object.keys(dev.stack.json.resource.aws_kms_key as object).map((id) =>
      resolveReferences(dev.stack, `\${aws_kms_key.${id}.arn}`),
    );
    expect(keys).toHaveLength(2);
    expect(planRead.policy).toContain('${aws_kms_key.');
    const a = dev.config.accountId;
    expect([statements[CI_SIDS.refreshResourceReads].Resource].flat().sort()).toEqual(
      [
        ...keys,
        `arn:aws:iam::${a}:instance-profile/dev-ssm-managed-instance`,
        `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`,
        `arn:aws:iam::${a}:policy/dev-github-deploy-changes`,
        `arn:aws:iam::${a}:policy/dev-github-deploy-guards`,
        `arn:aws:iam::${a}:policy/dev-github-plan-read`,
        `arn:aws:iam::${a}:policy/dev-permissions-boundary`,
        `arn:aws:iam::${a}:role/SsmShellDev`,
        `arn:aws:iam::${a}:role/dev-github-deploy`,
        `arn:aws:iam::${a}:role/dev-github-plan`,
        `arn:aws:iam::${a}:role/dev-launch-tagger-eu-central-1`,
        `arn:aws:iam::${a}:role/dev-ssm-managed-instance`,
        `arn:aws:iam::${a}:saml-provider/OktaDev`,
        `arn:aws:s3:::dev-ssm-access-${a}-eu-central-1`,
        `arn:aws:s3:::dev-ssm-sessions-${a}-eu-central-1`,
      ].sort(),
    );
    expect(statements[CI_SIDS.refreshRegionalReads].Resource).toEqual([
      `arn:aws:cloudwatch:*:${a}:alarm:dev-launch-tagger-dead-letters-not-empty`,
      `arn:aws:events:*:${a}:rule/dev-launch-tagger-run-instances`,
      `arn:aws:lambda:*:${a}:function:dev-launch-tagger`,
      `arn:aws:logs:*:${a}:log-group:/aws/lambda/dev-launch-tagger`,
      `arn:aws:logs:*:${a}:log-group:/aws/lambda/dev-launch-tagger:*`,
      `arn:aws:logs:*:${a}:log-group:/aws/ssm/dev/sessions`,
      `arn:aws:logs:*:${a}:log-group:/aws/ssm/dev/sessions:*`,
      `arn:aws:sqs:*:${a}:dev-launch-tagger-dead-letters`,
      `arn:aws:ssm:*:${a}:document/SSM-SessionManagerRunShell`,
    ]);
    expect(statements[CI_SIDS.refreshRegionalReads].Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': ['eu-central-1'] },
    });
    // The only "*": actions without a resource type.
    expect(statements[CI_SIDS.refreshReads]).toMatchObject({
      Action: ['kms:ListAliases', 'logs:DescribeLogGroups'],
      Resource: '*',
    });
  });

  it('the boundary allows every action of every role policy of the stack, and the product roles still work under it', async () => {
    const allowed = new Set(
      dev.access.ci!.boundary.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action ?? []].flat()),
    );
    const inline = Object.values(dev.stack.json.resource.aws_iam_role_policy as Record<string, { policy: string }>);
    const actions = inline.flatMap((p) =>
      readResolvedPolicy(dev.stack, p.policy)
        .Statement.filter((s) => s.Effect === 'Allow')
        .flatMap((s) => [s.Action ?? []].flat()),
    );
    expect(actions.filter((a) => !allowed.has(a))).toEqual([]);

    // Every case the matrix allows the federated people and the instance role, again under the boundary.
    const allowedCases = accessMatrix(dev.config, dev.access).filter(
      (c) =>
        c.expected === 'Allowed' &&
        !c.area.startsWith('ci ') &&
        c.area !== 'permissions boundary' &&
        c.area !== 'scp' &&
        // a sign-in is decided by the role's trust policy: the caller is the IdP's session, which no boundary binds
        c.area !== 'sign-in' &&
        // these lean on an ec2:* policy of another team
        c.area !== 'ownership tag' &&
        !String(c.simulation.request.principal).endsWith('.amazonaws.com'),
    );
    expect(allowedCases.length).toBeGreaterThan(20);
    const bounded = allowedCases.map((c) => ({
      ...c,
      simulation: {
        ...c.simulation,
        permissionBoundaryPolicies: [{ name: 'boundary', policy: dev.access.ci!.boundary }],
      },
    }));
    const results = await runMatrix(bounded);
    expect(results.filter((r) => !r.pass).map((r) => `${r.case.area}: ${r.case.description}`)).toEqual([]);
  });
});

describe('the matrix catches a broken CI policy', () => {
  const prod = environments.find((e) => e.name === 'prod')!;
  const ci = prod.access.ci!;

  async function failuresWith(change: (ci: SynthesizedCiAccess) => SynthesizedCiAccess): Promise<string[]> {
    const results = await runMatrix(accessMatrix(prod.config, { ...prod.access, ci: change(ci) }));
    return results.filter((r) => !r.pass).map((r) => `${r.case.area}: ${r.case.description}`);
  }
  const withoutSid = (policies: readonly PolicyDocument[], sid: string) =>
    policies.map((p) => ({ ...p, Statement: p.Statement.filter((s) => s.Sid !== sid) }));

  it('passes unchanged', async () => {
    await expect(failuresWith((c) => c)).resolves.toEqual([]);
  });

  it('without the Deny on session data, an attached ReadOnlyAccess would read transcripts', async () => {
    const failures = await failuresWith((c) => ({
      ...c,
      planPolicies: withoutSid(c.planPolicies, CI_SIDS.denySessionData),
    }));
    expect(failures).toEqual(
      expect.arrayContaining([
        'ci plan role: read session log events in eu-west-1 (beside an attached allow-all policy)',
        'ci plan role: start a live tail in eu-central-1 (beside an attached allow-all policy)',
        'ci plan role: decrypt with the session key in eu-west-1 (beside an attached allow-all policy)',
      ]),
    );
  });

  it('with ReadOnlyAccess in place of the generated reads, the plan role reads log events', async () => {
    const readOnly: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadOnlyAccessLike', Effect: 'Allow', Action: ['logs:Get*', 'logs:Filter*', 's3:Get*'], Resource: '*' },
      ],
    };
    const failures = await failuresWith((c) => ({
      ...c,
      planPolicies: [
        ...withoutSid(withoutSid(c.planPolicies, CI_SIDS.denySessionData), CI_SIDS.denyBucketObjects),
        readOnly,
      ],
    }));
    expect(failures).toEqual(
      expect.arrayContaining([
        'ci plan role: read session log events in eu-west-1',
        'ci plan role: read a transcript in eu-west-1',
      ]),
    );
  });

  it('with its refresh reads on "*", the plan role reads the policies of roles, buckets and keys the stack does not manage', async () => {
    const failures = await failuresWith((c) => ({
      ...c,
      planPolicies: c.planPolicies.map((p) => ({
        ...p,
        Statement: p.Statement.map((s) =>
          s.Sid === CI_SIDS.refreshResourceReads || s.Sid === CI_SIDS.refreshRegionalReads
            ? { Sid: s.Sid, Effect: s.Effect, Action: s.Action, Resource: '*' }
            : s,
        ),
      })),
    }));
    expect(failures).toEqual(
      expect.arrayContaining([
        'ci plan role: read a role the stack does not manage',
        'ci plan role: read the policy of a bucket the stack does not manage',
        'ci plan role: read the policy of a key the stack does not manage in eu-west-1',
        'ci plan role: read the policy of a key the stack does not manage in eu-central-1',
        'ci plan role: read a function of the same name in a region the stack does not manage',
        "ci plan role: read another function's code and environment",
      ]),
    );
  });

  it('without the region condition, the plan role reads same-named resources in other regions', async () => {
    const failures = await failuresWith((c) => ({
      ...c,
      planPolicies: c.planPolicies.map((p) => ({
        ...p,
        Statement: p.Statement.map((s) => {
          if (s.Sid !== CI_SIDS.refreshRegionalReads) return s;
          // eslint-disable-next-line @typescript-eslint/no-unused-vars
          const { Condition, ...anywhere } = s;
          return anywhere;
        }),
      })),
    }));
    expect(failures).toEqual(['ci plan role: read a function of the same name in a region the stack does not manage']);
  });

  it('without the boundary condition, the deploy role could create an unbounded role', async () => {
    const failures = await failuresWith((c) => ({
      ...c,
      deployPolicies: withoutSid(c.deployPolicies, CI_SIDS.denyWithoutBoundary).map((p) => ({
        ...p,
        Statement: p.Statement.map((s) => {
          if (s.Sid !== CI_SIDS.rolesWithBoundary) return s;
          // eslint-disable-next-line @typescript-eslint/no-unused-vars
          const { Condition, ...unconditional } = s;
          return unconditional;
        }),
      })) as PolicyDocument[],
    }));
    expect(failures).toEqual(
      expect.arrayContaining([
        'ci deploy role: create a role without the boundary',
        'ci deploy role: create a role with another boundary (beside an attached allow-all policy)',
      ]),
    );
  });

  it('without the guards, the deploy role could attach AdministratorAccess and change itself', async () => {
    const failures = await failuresWith((c) => ({
      ...c,
      deployPolicies: withoutSid(
        withoutSid(c.deployPolicies, CI_SIDS.denyAwsManagedPolicies),
        CI_SIDS.denyCiRoleChanges,
      ),
    }));
    expect(failures).toEqual(
      expect.arrayContaining([
        'ci deploy role: attach AdministratorAccess to a role it manages',
        `ci deploy role: change the trust of the CI role ${ci.deployRoleName} (beside an attached allow-all policy)`,
      ]),
    );
  });
});

const EXPECTED_DEV_POLICIES = {
  'dev-github-deploy-changes': {
    'ManageCloudwatch Allow': [
      'cloudwatch:DeleteAlarms',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
    ],
    'ManageEvents Allow': [
      'events:DeleteRule',
      'events:DisableRule',
      'events:EnableRule',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
      'events:TagResource',
      'events:UntagResource',
    ],
    'ManageIam Allow': [
      'iam:AddRoleToInstanceProfile',
      'iam:CreateInstanceProfile',
      'iam:CreateSAMLProvider',
      'iam:DeleteInstanceProfile',
      'iam:DeleteRole',
      'iam:DeleteRolePolicy',
      'iam:DeleteSAMLProvider',
      'iam:DetachRolePolicy',
      'iam:ListInstanceProfilesForRole',
      'iam:RemoveRoleFromInstanceProfile',
      'iam:TagInstanceProfile',
      'iam:TagRole',
      'iam:TagSAMLProvider',
      'iam:UntagInstanceProfile',
      'iam:UntagRole',
      'iam:UntagSAMLProvider',
      'iam:UpdateAssumeRolePolicy',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateSAMLProvider',
    ],
    'ManageKms Allow': [
      'kms:CreateAlias',
      'kms:DeleteAlias',
      'kms:DisableKeyRotation',
      'kms:EnableKeyRotation',
      'kms:PutKeyPolicy',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:UpdateAlias',
      'kms:UpdateKeyDescription',
    ],
    'ManageLambda Allow': [
      'lambda:AddPermission',
      'lambda:CreateFunction',
      'lambda:DeleteFunction',
      'lambda:DeleteFunctionConcurrency',
      'lambda:DeleteFunctionEventInvokeConfig',
      'lambda:PutFunctionConcurrency',
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:RemovePermission',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:UpdateFunctionEventInvokeConfig',
    ],
    'ManageLogs Allow': [
      'logs:AssociateKmsKey',
      'logs:CreateLogGroup',
      'logs:DeleteRetentionPolicy',
      'logs:DisassociateKmsKey',
      'logs:PutRetentionPolicy',
      'logs:TagLogGroup',
      'logs:TagResource',
      'logs:UntagLogGroup',
      'logs:UntagResource',
    ],
    'ManageS3 Allow': [
      's3:CreateBucket',
      's3:DeleteBucketPolicy',
      's3:PutBucketLogging',
      's3:PutBucketObjectLockConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPolicy',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutEncryptionConfiguration',
      's3:PutLifecycleConfiguration',
    ],
    'ManageSqs Allow': [
      'sqs:CreateQueue',
      'sqs:DeleteQueue',
      'sqs:SetQueueAttributes',
      'sqs:TagQueue',
      'sqs:UntagQueue',
    ],
    'ManageSsm Allow': [
      'ssm:AddTagsToResource',
      'ssm:CreateDocument',
      'ssm:DeleteDocument',
      'ssm:RemoveTagsFromResource',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
    ],
    'CreateKeys Allow': ['kms:CreateKey'],
    'RolesCarryTheBoundary Allow': [
      'iam:AttachRolePolicy',
      'iam:CreateRole',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
    ],
    'PassRolesToTheirServices Allow': ['iam:PassRole'],
  },
  'dev-github-deploy-guards': {
    'DenyRolesWithoutTheBoundary Deny': [
      'iam:CreateRole',
      'iam:PutRolePermissionsBoundary',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
    ],
    'DenyRemovingBoundaries Deny': ['iam:DeleteRolePermissionsBoundary'],
    'DenyChangingCiPolicies Deny': [
      'iam:CreatePolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    'DenyChangingCiRoles Deny': [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:DeleteRolePermissionsBoundary',
      'iam:TagRole',
      'iam:UntagRole',
    ],
    'DenyAwsManagedPolicies Deny': ['iam:AttachRolePolicy'],
    'DenyUsersAndAccessKeys Deny': [
      'iam:CreateUser',
      'iam:CreateAccessKey',
      'iam:CreateLoginProfile',
      'iam:UpdateLoginProfile',
    ],
  },
  'dev-github-plan-read': {
    'TerraformRefreshReads Allow': ['kms:ListAliases', 'logs:DescribeLogGroups'],
    'TerraformRefreshResourceReads Allow': [
      'iam:GetInstanceProfile',
      'iam:GetOpenIDConnectProvider',
      'iam:GetPolicy',
      'iam:GetPolicyVersion',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:GetSAMLProvider',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
      's3:GetAccelerateConfiguration',
      's3:GetBucketAcl',
      's3:GetBucketCORS',
      's3:GetBucketLogging',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketOwnershipControls',
      's3:GetBucketPolicy',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketRequestPayment',
      's3:GetBucketTagging',
      's3:GetBucketVersioning',
      's3:GetBucketWebsite',
      's3:GetEncryptionConfiguration',
      's3:GetLifecycleConfiguration',
      's3:GetReplicationConfiguration',
      's3:ListBucket',
    ],
    'TerraformRefreshRegionalReads Allow': [
      'cloudwatch:DescribeAlarms',
      'cloudwatch:ListTagsForResource',
      'events:DescribeRule',
      'events:ListTagsForResource',
      'events:ListTargetsByRule',
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionEventInvokeConfig',
      'lambda:GetPolicy',
      'lambda:ListVersionsByFunction',
      'logs:ListTagsForResource',
      'logs:ListTagsLogGroup',
      'sqs:GetQueueAttributes',
      'sqs:ListQueueTags',
      'ssm:DescribeDocument',
      'ssm:DescribeDocumentPermission',
      'ssm:GetDocument',
      'ssm:ListTagsForResource',
    ],
    'DenySessionData Deny': [
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
      'logs:GetLogRecord',
      'logs:StartQuery',
      'logs:GetQueryResults',
      'logs:StartLiveTail',
      'logs:Unmask',
      'kms:Decrypt',
      'sqs:ReceiveMessage',
      'ssm:StartSession',
      'ssm:ResumeSession',
      'ssm:GetParameter*',
      'secretsmanager:GetSecretValue',
    ],
    'DenyBucketObjectReads Deny': ['s3:GetObject*'],
  },
  'dev-permissions-boundary': {
    'ProductRoleActions Allow': [
      'ec2:CreateTags',
      'ec2:DescribeInstances',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:DescribeLogGroups',
      'logs:PutLogEvents',
      's3:DeleteObject',
      's3:GetEncryptionConfiguration',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sqs:SendMessage',
      'ssm:DescribeInstanceInformation',
      'ssm:DescribeInstanceProperties',
      'ssm:DescribeSessions',
      'ssm:GetConnectionStatus',
      'ssm:ResumeSession',
      'ssm:StartSession',
      'ssm:TerminateSession',
      'ssm:UpdateInstanceInformation',
      'ssmmessages:CreateControlChannel',
      'ssmmessages:CreateDataChannel',
      'ssmmessages:OpenControlChannel',
      'ssmmessages:OpenDataChannel',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ],
    'TerraformActions Allow': [
      'cloudwatch:DeleteAlarms',
      'cloudwatch:DescribeAlarms',
      'cloudwatch:ListTagsForResource',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
      'events:DeleteRule',
      'events:DescribeRule',
      'events:DisableRule',
      'events:EnableRule',
      'events:ListTagsForResource',
      'events:ListTargetsByRule',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
      'events:TagResource',
      'events:UntagResource',
      'iam:AddRoleToInstanceProfile',
      'iam:AttachRolePolicy',
      'iam:CreateInstanceProfile',
      'iam:CreateRole',
      'iam:CreateSAMLProvider',
      'iam:DeleteInstanceProfile',
      'iam:DeleteRole',
      'iam:DeleteRolePolicy',
      'iam:DeleteSAMLProvider',
      'iam:DetachRolePolicy',
      'iam:GetInstanceProfile',
      'iam:GetOpenIDConnectProvider',
      'iam:GetPolicy',
      'iam:GetPolicyVersion',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:GetSAMLProvider',
      'iam:ListAttachedRolePolicies',
      'iam:ListInstanceProfilesForRole',
      'iam:ListRolePolicies',
      'iam:PassRole',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
      'iam:RemoveRoleFromInstanceProfile',
      'iam:TagInstanceProfile',
      'iam:TagRole',
      'iam:TagSAMLProvider',
      'iam:UntagInstanceProfile',
      'iam:UntagRole',
      'iam:UntagSAMLProvider',
      'iam:UpdateAssumeRolePolicy',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateSAMLProvider',
      'kms:CreateAlias',
      'kms:CreateKey',
      'kms:DeleteAlias',
      'kms:DescribeKey',
      'kms:DisableKeyRotation',
      'kms:EnableKeyRotation',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListAliases',
      'kms:ListResourceTags',
      'kms:PutKeyPolicy',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:UpdateAlias',
      'kms:UpdateKeyDescription',
      'lambda:AddPermission',
      'lambda:CreateFunction',
      'lambda:DeleteFunction',
      'lambda:DeleteFunctionConcurrency',
      'lambda:DeleteFunctionEventInvokeConfig',
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:GetFunctionEventInvokeConfig',
      'lambda:GetPolicy',
      'lambda:ListVersionsByFunction',
      'lambda:PutFunctionConcurrency',
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:RemovePermission',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:UpdateFunctionEventInvokeConfig',
      'logs:AssociateKmsKey',
      'logs:CreateLogGroup',
      'logs:DeleteRetentionPolicy',
      'logs:DisassociateKmsKey',
      'logs:ListTagsForResource',
      'logs:ListTagsLogGroup',
      'logs:PutRetentionPolicy',
      'logs:TagLogGroup',
      'logs:TagResource',
      'logs:UntagLogGroup',
      'logs:UntagResource',
      's3:CreateBucket',
      's3:DeleteBucketPolicy',
      's3:GetAccelerateConfiguration',
      's3:GetBucketAcl',
      's3:GetBucketCORS',
      's3:GetBucketLogging',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketOwnershipControls',
      's3:GetBucketPolicy',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketRequestPayment',
      's3:GetBucketTagging',
      's3:GetBucketVersioning',
      's3:GetBucketWebsite',
      's3:GetLifecycleConfiguration',
      's3:GetReplicationConfiguration',
      's3:PutBucketLogging',
      's3:PutBucketObjectLockConfiguration',
      's3:PutBucketOwnershipControls',
      's3:PutBucketPolicy',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketTagging',
      's3:PutBucketVersioning',
      's3:PutEncryptionConfiguration',
      's3:PutLifecycleConfiguration',
      'sqs:CreateQueue',
      'sqs:DeleteQueue',
      'sqs:GetQueueAttributes',
      'sqs:ListQueueTags',
      'sqs:SetQueueAttributes',
      'sqs:TagQueue',
      'sqs:UntagQueue',
      'ssm:AddTagsToResource',
      'ssm:CreateDocument',
      'ssm:DeleteDocument',
      'ssm:DescribeDocument',
      'ssm:DescribeDocumentPermission',
      'ssm:GetDocument',
      'ssm:ListTagsForResource',
      'ssm:RemoveTagsFromResource',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
    ],
    'DenyBoundaryChanges Deny': [
      'iam:CreatePolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    'DenySessionDataReads Deny': [
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
      'logs:GetLogRecord',
      'logs:StartQuery',
      'logs:GetQueryResults',
      'logs:StartLiveTail',
      'logs:Unmask',
      'sqs:ReceiveMessage',
      'ssm:GetParameter*',
      'secretsmanager:GetSecretValue',
    ],
    'DenyBucketObjectReads Deny': ['s3:GetObject*'],
    'DenyRemovingBoundaries Deny': ['iam:DeleteRolePermissionsBoundary'],
  },
};
