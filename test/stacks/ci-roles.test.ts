import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EnvironmentSource, environmentSources } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { POLICY_QUOTAS, quotaSize } from '../../modules/core/policy-lint';
import { CI_SIDS } from '../../modules/github-oidc/ci-policies';
import { accessMatrix, readAccess, runMatrix } from '../support/access-matrix';
import { type AuthorizedCall, type SynthesizedCiAccess, disallowedCalls } from '../support/ci-access';
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

/**
 * The name of a resource, for the ARN of its read calls: its own, or that of the resource it refers
 * to (an invoke config or a permission names its function by reference); a stand-in otherwise.
 */
function nameOf(stack: SynthesizedStack, attrs: Record<string, unknown>): string {
  for (const key of ['name', 'bucket', 'function_name', 'alarm_name', 'rule', 'queue_url', 'role']) {
    const value = attrs[key];
    if (typeof value !== 'string') continue;
    if (!value.includes('${')) return value.replace(/^.*\//, '');
    const ref = /^\$\{([a-z0-9_]+)\.([\w-]+)\.[a-z_]+\}$/.exec(value);
    const target = ref ? stack.json.resource?.[ref[1]]?.[ref[2]] : undefined;
    if (target) return nameOf(stack, target);
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
            .replace('{name}', nameOf(stack, attrs)),
          reason: `${type}.${id} refresh: ${read.call}`,
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
        s.Sid === CI_SIDS.refreshReads
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
