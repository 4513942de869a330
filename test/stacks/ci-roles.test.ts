import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EnvironmentSource, environmentSources } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { POLICY_QUOTAS, quotaSize } from '../../modules/core/policy-lint';
import { CI_SIDS } from '../../modules/github-oidc/ci-policies';
import { accessMatrix, runMatrix } from '../../cli/access/access-matrix';
import type { SynthesizedCiAccess } from '../../cli/access/access-model';
import { readStackAccess } from '../../cli/access/read-stack';
import { type AuthorizedCall, disallowedCalls } from '../support/disallowed-calls';
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
  return { name: config.name, config, stack, access: readStackAccess(stack).access };
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
      // What KMS puts in the request context of a call on a key: the aliases the stack gives it.
      const aliases: Record<string, string[]> =
        type === 'aws_kms_key'
          ? {
              'kms:ResourceAliases': Object.values(
                (stack.json.resource.aws_kms_alias ?? {}) as Record<string, Record<string, string>>,
              )
                .filter((a) => a.target_key_id === `\${aws_kms_key.${id}.key_id}`)
                .map((a) => a.name),
            }
          : {};
      for (const read of reads) {
        calls.push({
          action: read.action,
          resource: read.resource
            .replace('{account}', account)
            .replace('{region}', region)
            .replace('{name}', nameOf(stack, type, attrs)),
          reason: `${type}.${id} refresh: ${read.call}`,
          // IAM's ARNs have no region: the call goes to its global endpoint.
          context: {
            'aws:RequestedRegion': read.resource.startsWith('arn:aws:iam::') ? 'us-east-1' : region,
            ...aliases,
          },
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
        s.Sid === CI_SIDS.refresh('S3')
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
        `${config.name}-github-deploy-changes-identity`,
        `${config.name}-github-deploy-changes-services`,
        `${config.name}-github-deploy-changes-storage`,
        `${config.name}-github-deploy-guards`,
        `${config.name}-github-plan-read`,
        `${config.name}-github-plan-read-identity`,
        `${config.name}-github-plan-read-services`,
        `${config.name}-github-plan-read-storage`,
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

  it("the plan role's reads name the stack's own resources, region-free, and keys by the stack's aliases", () => {
    const planReads = Object.values(
      dev.stack.json.resource.aws_iam_policy as Record<string, { name: string; policy: string }>,
    ).filter((p) => p.name.startsWith('dev-github-plan-read'));
    const statements = Object.fromEntries(
      planReads.flatMap((p) => readResolvedPolicy(dev.stack, p.policy).Statement.map((s) => [s.Sid, s])),
    );
    // No key by reference: a reference per key and region would grow the policy with every region.
    expect(planReads.map((p) => p.policy).join('')).not.toContain('${aws_kms_key.');
    const a = dev.config.accountId;
    expect(statements[CI_SIDS.refresh('Iam')].Resource).toEqual([
      `arn:aws:iam::${a}:instance-profile/dev-ssm-managed-instance`,
      `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`,
      `arn:aws:iam::${a}:policy/dev-github-deploy-changes*`,
      `arn:aws:iam::${a}:policy/dev-github-deploy-guards`,
      `arn:aws:iam::${a}:policy/dev-github-plan-read*`,
      `arn:aws:iam::${a}:policy/dev-permissions-boundary`,
      `arn:aws:iam::${a}:role/SsmShellDev`,
      `arn:aws:iam::${a}:role/dev-github-deploy`,
      `arn:aws:iam::${a}:role/dev-github-plan`,
      `arn:aws:iam::${a}:role/dev-launch-tagger-*`,
      `arn:aws:iam::${a}:role/dev-ssm-managed-instance`,
      `arn:aws:iam::${a}:saml-provider/OktaDev`,
    ]);
    expect(statements[CI_SIDS.refresh('S3')].Resource).toEqual([
      `arn:aws:s3:::dev-ssm-access-${a}-*`,
      `arn:aws:s3:::dev-ssm-sessions-${a}-*`,
    ]);
    expect(statements[CI_SIDS.refresh('Kms')]).toMatchObject({
      Resource: `arn:aws:kms:*:${a}:key/*`,
      Condition: {
        'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/dev-*' },
        StringEquals: { 'aws:RequestedRegion': ['eu-central-1'] },
      },
    });
    expect(statements[CI_SIDS.refreshInRegions('Services')].Resource).toEqual([
      `arn:aws:cloudwatch:*:${a}:alarm:dev-launch-tagger-dead-letters-not-empty`,
      `arn:aws:events:*:${a}:rule/dev-launch-tagger-run-instances`,
      `arn:aws:lambda:*:${a}:function:dev-launch-tagger`,
      `arn:aws:sqs:*:${a}:dev-launch-tagger-dead-letters`,
      `arn:aws:ssm:*:${a}:document/SSM-SessionManagerRunShell`,
    ]);
    expect(statements[CI_SIDS.refreshInRegions('Storage')].Resource).toEqual([
      `arn:aws:logs:*:${a}:log-group:/aws/lambda/dev-launch-tagger`,
      `arn:aws:logs:*:${a}:log-group:/aws/lambda/dev-launch-tagger:*`,
      `arn:aws:logs:*:${a}:log-group:/aws/ssm/dev/sessions`,
      `arn:aws:logs:*:${a}:log-group:/aws/ssm/dev/sessions:*`,
    ]);
    for (const family of ['Services', 'Storage']) {
      expect(statements[CI_SIDS.refreshInRegions(family)].Condition).toEqual({
        StringEquals: { 'aws:RequestedRegion': ['eu-central-1'] },
      });
    }
    // The only "*": actions without a resource type.
    expect(statements[CI_SIDS.refreshReads]).toMatchObject({
      Action: ['kms:ListAliases', 'logs:DescribeLogGroups'],
      Resource: '*',
    });
  });

  it('the boundary allows every action of every role policy of the stack, and the product roles still work under it', async () => {
    const ceiling = dev.access
      .ci!.boundary.Statement.filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action ?? []].flat())
      .map((pattern) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`));
    const allowed = { has: (action: string) => ceiling.some((c) => c.test(action)) };
    const inline = Object.values(dev.stack.json.resource.aws_iam_role_policy as Record<string, { policy: string }>);
    const actions = inline.flatMap((p) =>
      readResolvedPolicy(dev.stack, p.policy)
        .Statement.filter((s) => s.Effect === 'Allow')
        .flatMap((s) => [s.Action ?? []].flat()),
    );
    expect(actions.filter((a) => !allowed.has(a))).toEqual([]);

    // Every case the matrix allows the federated people and the instance role, again under the boundary.
    const allowedCases = accessMatrix(dev.access).filter(
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
    const results = await runMatrix(accessMatrix({ ...prod.access, ci: change(ci) }));
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
          s.Sid.startsWith('TerraformRefresh') && s.Sid !== CI_SIDS.refreshReads
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
          if (!s.Sid.endsWith('InRegions')) return s;
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
  'dev-github-deploy-changes-identity': {
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
    'RolesCarryTheBoundary Allow': [
      'iam:AttachRolePolicy',
      'iam:CreateRole',
      'iam:PutRolePermissionsBoundary',
      'iam:PutRolePolicy',
    ],
    'PassRolesToTheirServices Allow': ['iam:PassRole'],
  },
  'dev-github-deploy-changes-services': {
    'ManageServicesInRegions Allow': [
      'cloudwatch:DeleteAlarms',
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
      'events:DeleteRule',
      'events:DisableRule',
      'events:EnableRule',
      'events:PutRule',
      'events:PutTargets',
      'events:RemoveTargets',
      'events:TagResource',
      'events:UntagResource',
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
      'sqs:CreateQueue',
      'sqs:DeleteQueue',
      'sqs:SetQueueAttributes',
      'sqs:TagQueue',
      'sqs:UntagQueue',
      'ssm:AddTagsToResource',
      'ssm:CreateDocument',
      'ssm:DeleteDocument',
      'ssm:RemoveTagsFromResource',
      'ssm:UpdateDocument',
      'ssm:UpdateDocumentDefaultVersion',
    ],
  },
  'dev-github-deploy-changes-storage': {
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
    // Apart from the statement below: its "*" must cover kms:CreateKey alone.
    'CreateKeys Allow': ['kms:CreateKey'],
    'ManageStorageInRegions Allow': [
      'kms:CreateAlias',
      'kms:DeleteAlias',
      'kms:DisableKeyRotation',
      'kms:EnableKeyRotation',
      'kms:PutKeyPolicy',
      'kms:TagResource',
      'kms:UntagResource',
      'kms:UpdateAlias',
      'kms:UpdateKeyDescription',
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
  'dev-github-plan-read-identity': {
    'TerraformRefreshIam Allow': [
      'iam:GetInstanceProfile',
      'iam:GetOpenIDConnectProvider',
      'iam:GetPolicy',
      'iam:GetPolicyVersion',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:GetSAMLProvider',
      'iam:ListAttachedRolePolicies',
      'iam:ListRolePolicies',
    ],
  },
  'dev-github-plan-read-services': {
    'TerraformRefreshServicesInRegions Allow': [
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
      'sqs:GetQueueAttributes',
      'sqs:ListQueueTags',
      'ssm:DescribeDocument',
      'ssm:DescribeDocumentPermission',
      'ssm:GetDocument',
      'ssm:ListTagsForResource',
    ],
  },
  'dev-github-plan-read-storage': {
    'TerraformRefreshKms Allow': [
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
    ],
    'TerraformRefreshS3 Allow': [
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
    'TerraformRefreshStorageInRegions Allow': ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
  },
  'dev-permissions-boundary': {
    'ServiceCeiling Allow': [
      'cloudformation:*',
      'cloudwatch:*',
      'ec2:Describe*',
      'ec2:*Tags',
      'ec2:*SecurityGroup*',
      'ec2:*VpcEndpoint*',
      'ec2messages:*',
      'events:*',
      'iam:Get*',
      'iam:List*',
      'iam:*Role*',
      'iam:*InstanceProfile*',
      'iam:*SAMLProvider*',
      'identitystore:Describe*',
      'identitystore:Get*',
      'identitystore:List*',
      'kms:*',
      'lambda:*',
      'logs:*',
      'organizations:Describe*',
      'organizations:List*',
      's3:*',
      'sns:*',
      'sqs:*',
      'ssm:Describe*',
      'ssm:Get*',
      'ssm:List*',
      'ssm:*Session',
      'ssm:*Document*',
      'ssm:*Tags*',
      'ssm:*OpsItem*',
      'ssm:*AccessRequest',
      'ssm:*AutomationExecution',
      'ssm:SendAutomationSignal',
      'ssm:UpdateInstanceInformation',
      'ssm-quicksetup:Get*',
      'ssm-quicksetup:List*',
      'ssmmessages:*',
      'sso:Describe*',
      'sso:Get*',
      'sso:List*',
      'xray:Put*',
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
    'DenyAuditDataLoss Deny': ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'logs:DeleteLogGroup', 's3:DeleteBucket'],
    'DenyRolesWithoutTheBoundary Deny': [
      'iam:CreateRole',
      'iam:PutRolePermissionsBoundary',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
    ],
    'DenyBoundaryChanges Deny': [
      'iam:CreatePolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    'DenyRemovingBoundaries Deny': ['iam:DeleteRolePermissionsBoundary'],
  },
};
