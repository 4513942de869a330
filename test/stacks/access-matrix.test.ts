import { environmentSources } from '../../environments';
import type { EnvironmentConfig } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { SESSION_ACCESS_SIDS as SIDS } from '../../modules/session-access-policy/session-access-policy';
import { ciRoleNames, launchTaggerName, stateKey } from '../../stacks/names';
import type { AccessConfig } from '../../cli/access/access-config';
import {
  type AccessCase,
  type SynthesizedAccess,
  accessMatrix,
  markdownTable,
  runMatrix,
  stackMatrix,
} from '../../cli/access/access-matrix';
import { evaluate } from '../support/policies';
import { IDENTITY_CENTER_TEST_SOURCE } from '../support/identity-center-source';
import { synthesize } from '../support/synth';

/**
 * The access matrix of every shipped environment (and a test-only Identity Center one), evaluated
 * by an IAM evaluator on the policies as synthesized into `cdk.tf.json`, with the settings read
 * back from the stack as the review command reads them. The same cases make
 * `ssm-federated-access access-report` and the access part of `plan-report`.
 */
const { configs, stacks } = synthesize([...environmentSources, IDENTITY_CENTER_TEST_SOURCE]);
const matrices = configs.map((environment) => ({ environment, ...stackMatrix(stacks.get(environment.name)!) }));

/** The fields of an environment file the matrix reads, as the stack should carry them. */
function expectedSettings(e: EnvironmentConfig): AccessConfig {
  const roles = ciRoleNames(e);
  const tagger = e.launchTagger.enabled;
  return {
    name: e.name,
    accountId: e.accountId,
    primaryRegion: e.primaryRegion,
    regions: e.regions,
    identity:
      e.identity.type === 'saml'
        ? {
            type: 'saml',
            providerName: e.identity.providerName,
            roleName: e.identity.roleName,
            maxSessionDurationHours: e.identity.maxSessionDurationHours,
            sourceIdentity: e.identity.sourceIdentity,
          }
        : {
            type: 'identity-center',
            instanceArn: e.identity.instanceArn,
            region: e.identity.region,
            permissionSetName: e.identity.permissionSetName,
            sessionDurationHours: e.identity.sessionDurationHours,
            runAsAttribute: e.identity.runAsAttribute,
            attributePaths: e.identity.attributePaths,
            manageAccessControlAttributes: e.identity.manageAccessControlAttributes,
            assignments: e.identity.assignments,
          },
    runAs: { enabled: e.runAs.enabled, ...(e.runAs.defaultUser ? { defaultUser: e.runAs.defaultUser } : {}) },
    // The stack records the access mode only when it is just-in-time (test/stacks/just-in-time.test.ts).
    access: (({ mode, ...rules }) => (mode === 'standing' ? rules : { ...rules, mode }))(e.access),
    launchTagger: {
      enabled: tagger,
      launcherRoleNames: tagger ? e.launchTagger.launcherRoleNames : [],
      ...(tagger ? { name: launchTaggerName(e) } : {}),
    },
    ...(e.ci
      ? {
          ci: {
            githubRepository: e.ci.githubRepository,
            planRoleName: roles.plan,
            deployRoleName: roles.deploy,
            createOidcProvider: e.ci.createOidcProvider,
            ...(e.backend.type === 's3'
              ? { state: { bucket: e.backend.bucket, key: stateKey(e, e.backend.key) } }
              : {}),
          },
        }
      : {}),
  };
}

describe('the settings the matrix reads, from the synthesized stack', () => {
  it.each(matrices)("$environment.name: are the environment file's", ({ environment, config }) => {
    expect(config).toEqual(expectedSettings(environment));
  });

  it('a validated environment is a matrix input as it is', () => {
    const input: AccessConfig = configs[0];
    expect(input.name).toBe(configs[0].name);
  });
});

const title = (c: AccessCase) =>
  `${c.area}: ${c.principal} ${c.action} on ${c.resource}, ${c.description} -> ${c.expected}${c.expectedSid ? ` by ${c.expectedSid}` : ''}`;

describe.each(matrices)('access matrix of $config.name', ({ config, cases }) => {
  it.each(cases.map((c) => [title(c), c] as const))('%s', async (_, c) => {
    const evaluation = await evaluate(c.simulation, c.unsafe ? { unsafe: true } : {});
    expect(evaluation.decision).toBe(c.expected);
    if (c.expectedSid) expect(evaluation.deciding).toContain(c.expectedSid);
  });

  it('covers both sides of every area', () => {
    const areas = new Set(cases.map((c) => c.area));
    const ciAreas = config.ci ? ['ci deploy role', 'ci plan role', 'permissions boundary'] : [];
    expect([...areas].sort()).toEqual(
      [
        'console',
        'documents',
        'instance role',
        'kms',
        'own sessions',
        'ownership tag',
        'scp',
        'start session',
        ...(config.identity.type === 'saml' ? ['sign-in'] : []),
        ...(config.launchTagger.enabled && config.access.ownerRule ? ['launch tagger'] : []),
        ...ciAreas,
      ].sort(),
    );
    for (const area of areas) {
      if (area === 'console') continue;
      const decisions = new Set(cases.filter((c) => c.area === area).map((c) => c.expected === 'Allowed'));
      expect({ area, bothSides: decisions.size }).toEqual({ area, bothSides: 2 });
    }
  });

  it('has one case per enabled rule that only that rule allows', () => {
    const sidsAllowing = new Set(cases.filter((c) => c.expected === 'Allowed').map((c) => c.expectedSid));
    expect(sidsAllowing.has(SIDS.owner)).toBe(config.access.ownerRule);
    for (let group = 1; group <= (config.access.attributeRule?.groups ?? 0); group++) {
      expect(sidsAllowing.has(SIDS.attributes(group))).toBe(true);
    }
    expect(sidsAllowing.has(SIDS.principalTagOwner)).toBe(config.access.principalTagOwnerRule !== undefined);
  });
});

describe('the matrix catches a broken policy', () => {
  const { config, access } = matrices.find((m) => m.config.name === 'example')!;

  /** The example's matrix run on a changed session policy: the descriptions of the cases that fail. */
  async function failuresWith(change: (statements: PolicyStatement[]) => PolicyStatement[]): Promise<string[]> {
    const sessionPolicy: PolicyDocument = {
      ...access.sessionPolicy,
      Statement: change(structuredClone([...access.sessionPolicy.Statement]) as PolicyStatement[]),
    };
    const broken: SynthesizedAccess = { ...access, sessionPolicy };
    const results = await runMatrix(accessMatrix(config, broken));
    return results.filter((r) => !r.pass).map((r) => r.case.description);
  }

  it('passes unchanged', async () => {
    await expect(failuresWith((s) => s)).resolves.toEqual([]);
  });

  it('a misspelt operator in the Deny turns it off (which is why the lint exists)', async () => {
    const failures = await failuresWith((statements) =>
      statements.map((s) =>
        s.Sid === SIDS.denyTagKeys
          ? {
              ...s,
              Condition: { 'ForAnyValue:StringEqualIgnoreCase': s.Condition!['ForAnyValue:StringEqualsIgnoreCase'] },
            }
          : s,
      ),
    );
    expect(failures).toEqual(
      expect.arrayContaining([
        'delete AwsUserId (beside an ec2:* Allow)',
        'create APP_ID, which grants sessions (beside an ec2:* Allow)',
      ]),
    );
  });

  it("an owner statement without its condition opens everyone else's instances", async () => {
    const failures = await failuresWith((statements) =>
      statements.map((s) =>
        s.Sid === SIDS.owner ? { ...s, Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } } } : s,
      ),
    );
    expect(failures).toEqual(expect.arrayContaining(["someone else's instance", 'untagged instance']));
  });

  it('a wildcard region in the instance ARNs reaches regions outside the environment', async () => {
    const failures = await failuresWith((statements) =>
      statements.map((s) =>
        s.Sid === SIDS.owner
          ? { ...s, Resource: [s.Resource].flat().map((r) => r!.replace(/ec2:[a-z0-9-]+:/, 'ec2:*:')) }
          : s,
      ),
    );
    expect(failures).toEqual(["own tag on an instance in ap-southeast-2 (not the environment's)"]);
  });

  it('attribute statements without the managed instances lose them, and only them', async () => {
    const failures = await failuresWith((statements) =>
      statements.map((s) =>
        s.Sid?.startsWith(SIDS.attributes(1))
          ? { ...s, Resource: [s.Resource].flat().filter((r) => !r!.includes(':managed-instance/')) as string[] }
          : s,
      ),
    );
    expect(failures).toEqual([
      'managed instance in eu-west-1: attribute group 1 matches',
      'managed instance in us-east-1: attribute group 1 matches',
    ]);
  });

  it('the SSH document granted where SSH is off', async () => {
    const prod = matrices.find((m) => m.config.name === 'prod')!;
    const sessionPolicy: PolicyDocument = {
      ...prod.access.sessionPolicy,
      Statement: prod.access.sessionPolicy.Statement.map((s) =>
        s.Sid === SIDS.documents
          ? { ...s, Resource: [...[s.Resource].flat(), 'arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession'] }
          : s,
      ) as PolicyStatement[],
    };
    const results = await runMatrix(accessMatrix(prod.config, { ...prod.access, sessionPolicy }));
    expect(results.filter((r) => !r.pass).map((r) => `${r.case.description} ${r.case.resource}`)).toEqual([
      'SSH off in this environment arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession',
    ]);
  });

  it('renders a failing case loudly in the report', async () => {
    const results = await runMatrix(accessMatrix(config, access));
    const broken = { ...results[0], pass: false };
    expect(markdownTable([broken])).toContain('**NO** (expected Allowed by ConsoleRead)');
  });
});

describe('the SCP exemption and the launch tagger', () => {
  it.each(matrices.filter((m) => m.config.launchTagger.enabled))(
    '$config.name: the matrix exempts exactly the tagger roles the stack creates, one per region',
    ({ config, access }) => {
      expect([...access.launchTaggerRoleNames].sort()).toEqual(
        config.regions.map((r) => `${config.name}-launch-tagger-${r}`).sort(),
      );
    },
  );
});
