import { environmentSources } from '../../environments';
import type { EnvironmentConfig } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { MANAGED_INSTANCE_SIDS } from '../../modules/managed-instance-role/managed-instance-role';
import { SESSION_ACCESS_SIDS as SIDS } from '../../modules/session-access-policy/session-access-policy';
import { type AccessModel, runAsEnabled } from '../../cli/access/access-model';
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
import { CENTRAL_BUCKET_KEY_ARN, CENTRAL_BUCKET_TEST_SOURCE } from '../fixtures/environments/central-bucket';
import { synthesize } from '../support/synth';

/**
 * The access matrix of every shipped environment (and test-only Identity Center and central-bucket
 * ones), evaluated by an IAM evaluator on the policies as synthesized into `cdk.tf.json`, with the
 * settings read back from the stack as the review command reads them. The same cases make
 * `ssm-federated-access access-report` and the access part of `plan-report`.
 */
const { configs, stacks } = synthesize([
  ...environmentSources,
  IDENTITY_CENTER_TEST_SOURCE,
  CENTRAL_BUCKET_TEST_SOURCE,
]);
const matrices = configs.map((environment) => {
  const { access, cases } = stackMatrix(stacks.get(environment.name)!);
  return { environment, name: environment.name, model: access.model, access, cases };
});

/** The review metadata the stack should carry: the environment file's settings, in the constructs' words. */
function expectedModel(e: EnvironmentConfig): AccessModel {
  // The names the design gives (docs/reference/environment-fields.md), written here, not taken from the product.
  const roles = {
    plan: e.ci?.planRoleName ?? `${e.name}-github-plan`,
    deploy: e.ci?.deployRoleName ?? `${e.name}-github-deploy`,
  };
  const launchTagger = `${e.name}-launch-tagger`;
  const tagger = e.launchTagger.enabled;
  return {
    sessionPolicy: {
      part: 'session-policy',
      accountId: e.accountId,
      environment: e.name,
      regions: e.regions,
      // The stack records the access mode only when it is just-in-time (test/stacks/just-in-time.test.ts).
      ...(({ mode, ...rules }) => (mode === 'just-in-time' ? { ...rules, accessMode: mode } : rules))(e.access),
      ownershipTagScp: expect.stringContaining('DenyAccessTagChanges'),
    },
    identity:
      e.identity.type === 'saml'
        ? {
            part: 'federated-role',
            accountId: e.accountId,
            providerName: e.identity.providerName,
            roleName: e.identity.roleName,
            maxSessionDurationHours: e.identity.maxSessionDurationHours,
            requireRunAsTag: e.runAs.enabled,
            sourceIdentity: e.identity.sourceIdentity,
          }
        : {
            part: 'permission-set',
            instanceArn: e.identity.instanceArn,
            region: e.identity.region,
            permissionSetName: e.identity.permissionSetName,
            sessionDurationHours: e.identity.sessionDurationHours,
            runAsAttribute: e.identity.runAsAttribute,
            attributePaths: e.identity.attributePaths,
            manageAccessControlAttributes: e.identity.manageAccessControlAttributes,
            assignments: e.identity.assignments,
          },
    preferences: e.regions.map((region) => ({
      part: 'session-preferences',
      region,
      runAsEnabled: e.runAs.enabled,
      runAsDefaultUser: e.runAs.enabled ? (e.runAs.defaultUser ?? '') : '',
    })),
    launchTaggers: tagger
      ? e.regions.map((region) => ({
          part: 'launch-tagger-role',
          region,
          name: launchTagger,
          roleName: `${launchTagger}-${region}`,
          deadLetterQueueName: `${launchTagger}-dead-letters`,
          launcherRoleNames: e.launchTagger.launcherRoleNames,
        }))
      : [],
    ...(e.ci
      ? {
          ci: {
            accountId: e.accountId,
            githubRepository: e.ci.githubRepository,
            planRoleName: roles.plan,
            deployRoleName: roles.deploy,
            deployEnvironment: e.ci.deployEnvironment ?? e.name,
            createOidcProvider: e.ci.createOidcProvider,
            ...(e.backend.type === 's3'
              ? { state: { bucket: e.backend.bucket, key: e.backend.key ?? `${e.name}/terraform.tfstate` } }
              : {}),
          },
        }
      : {}),
    ...(e.justInTime?.breakGlass.enabled
      ? {
          breakGlass: {
            roleName: e.justInTime.breakGlass.roleName ?? `${e.name}-break-glass`,
            // Sessions on every instance of the environment's regions, nowhere else.
            regions: e.regions,
            requireRunAsTag: e.runAs.enabled,
            // Every session alarms in every region of the environment.
            alarmedRegions: [...e.regions].sort(),
          },
        }
      : {}),
  };
}

/** Sorted by region, as the environment file lists them; the stack may describe them in any order. */
const byRegion = <T extends { region: string }>(regions: readonly string[], items: readonly T[]) =>
  [...items].sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region));

describe('the settings the matrix reads, from the synthesized stack', () => {
  it.each(matrices)("$name: are the environment file's", ({ environment, model }) => {
    const regions = environment.regions;
    expect({
      ...model,
      preferences: byRegion(regions, model.preferences),
      launchTaggers: byRegion(regions, model.launchTaggers),
    }).toEqual(expectedModel(environment));
    expect(runAsEnabled(model)).toBe(environment.runAs.enabled);
  });

  it("the central bucket and its own key reach the instance role's log destinations", () => {
    const { access } = matrices.find((m) => m.name === CENTRAL_BUCKET_TEST_SOURCE.input.name)!;
    expect(access.destinations.map((d) => [d.region, d.s3Bucket, d.s3KmsKeyArn])).toEqual([
      ['eu-west-1', 'corp-log-archive-sessions', CENTRAL_BUCKET_KEY_ARN],
      ['eu-central-1', 'corp-log-archive-sessions', CENTRAL_BUCKET_KEY_ARN],
    ]);
  });
});

const title = (c: AccessCase) =>
  `${c.area}: ${c.principal} ${c.action} on ${c.resource}, ${c.description} -> ${c.expected}${c.expectedSid ? ` by ${c.expectedSid}` : ''}`;

describe.each(matrices)('access matrix of $name', ({ model, cases }) => {
  it.each(cases.map((c) => [title(c), c] as const))('%s', async (_, c) => {
    const evaluation = await evaluate(c.simulation, c.unsafe ? { unsafe: true } : {});
    expect(evaluation.decision).toBe(c.expected);
    if (c.expectedSid) expect(evaluation.deciding).toContain(c.expectedSid);
  });

  it('covers both sides of every area', () => {
    const areas = new Set(cases.map((c) => c.area));
    const ciAreas = model.ci ? ['ci deploy role', 'ci plan role', 'permissions boundary'] : [];
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
        ...(model.identity.part === 'federated-role' ? ['sign-in'] : []),
        ...(model.launchTaggers.length > 0 && model.sessionPolicy.ownerRule ? ['launch tagger'] : []),
        ...(model.sessionPolicy.accessMode === 'just-in-time' ? ['request access'] : []),
        ...(model.breakGlass ? ['break glass'] : []),
        ...ciAreas,
      ].sort(),
    );
    // Just-in-time: nobody starts a session directly; the break-glass role is the allowed side.
    const requestsOnly = model.sessionPolicy.accessMode === 'just-in-time' ? ['start session', 'documents'] : [];
    for (const area of areas) {
      if (area === 'console') continue;
      const decisions = new Set(cases.filter((c) => c.area === area).map((c) => c.expected === 'Allowed'));
      if (requestsOnly.includes(area))
        expect({ area, decisions: [...decisions] }).toEqual({ area, decisions: [false] });
      else expect({ area, bothSides: decisions.size }).toEqual({ area, bothSides: 2 });
    }
  });

  it('has one case per enabled rule that only that rule allows (none in just-in-time mode: people request access)', () => {
    const sidsAllowing = new Set(
      cases.filter((c) => c.expected === 'Allowed' && c.area !== 'break glass').map((c) => c.expectedSid),
    );
    const rules = model.sessionPolicy;
    const standing = rules.accessMode !== 'just-in-time';
    expect(sidsAllowing.has(SIDS.owner)).toBe(standing && rules.ownerRule);
    for (let group = 1; group <= (rules.attributeRule?.groups ?? 0); group++) {
      expect(sidsAllowing.has(SIDS.attributes(group))).toBe(standing);
    }
    expect(sidsAllowing.has(SIDS.principalTagOwner)).toBe(standing && rules.principalTagOwnerRule !== undefined);
  });
});

describe('the matrix catches a broken policy', () => {
  const { access } = matrices.find((m) => m.name === 'example')!;

  /** The example's matrix run on a changed session policy: the descriptions of the cases that fail. */
  async function failuresWith(change: (statements: PolicyStatement[]) => PolicyStatement[]): Promise<string[]> {
    const sessionPolicy: PolicyDocument = {
      ...access.sessionPolicy,
      Statement: change(structuredClone([...access.sessionPolicy.Statement]) as PolicyStatement[]),
    };
    const broken: SynthesizedAccess = { ...access, sessionPolicy };
    const results = await runMatrix(accessMatrix(broken));
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

  it('without the Deny outside its regions, the region-free statements reach regions outside the environment', async () => {
    const failures = await failuresWith((statements) => statements.filter((s) => s.Sid !== SIDS.denyOtherRegions));
    expect(failures).toEqual([
      "own tag on an instance in ap-southeast-2 (not the environment's)",
      'shell document in ap-southeast-2',
    ]);
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
    const prod = matrices.find(
      (m) => !m.model.sessionPolicy.sshEnabled && m.model.sessionPolicy.accessMode !== 'just-in-time',
    )!;
    const sessionPolicy: PolicyDocument = {
      ...prod.access.sessionPolicy,
      Statement: prod.access.sessionPolicy.Statement.map((s) =>
        s.Sid === SIDS.documents
          ? { ...s, Resource: [...[s.Resource].flat(), 'arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession'] }
          : s,
      ) as PolicyStatement[],
    };
    const results = await runMatrix(accessMatrix({ ...prod.access, sessionPolicy }));
    expect(results.filter((r) => !r.pass).map((r) => `${r.case.description} ${r.case.resource}`)).toEqual([
      'SSH off in this environment arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession',
    ]);
  });

  it('renders a failing case loudly in the report', async () => {
    const results = await runMatrix(accessMatrix(access));
    const broken = { ...results[0], pass: false };
    expect(markdownTable([broken])).toContain('**NO** (expected Allowed by ConsoleRead)');
  });
});

describe('the run-as session tag at sign-in', () => {
  const samlWithRunAs = matrices.filter((m) => m.model.identity.part === 'federated-role' && runAsEnabled(m.model));

  it.each(samlWithRunAs)(
    '$name: sign-in without the tag is refused, on both actions, and with it allowed',
    ({ cases }) => {
      const signIn = cases.filter((c) => c.area === 'sign-in' && /SSMSessionRunAs/.test(c.description));
      expect(signIn.map((c) => `${c.action}: ${c.description} -> ${c.expected}`)).toEqual([
        'sts:AssumeRoleWithSAML: sign-in with the SSMSessionRunAs session tag (run-as on) -> Allowed',
        'sts:AssumeRoleWithSAML: sign-in without the SSMSessionRunAs session tag is refused (run-as on) -> ImplicitlyDenied',
        'sts:AssumeRoleWithSAML: sign-in with an empty SSMSessionRunAs session tag is refused (run-as on) -> ImplicitlyDenied',
        'sts:TagSession: sign-in with the SSMSessionRunAs session tag (run-as on) -> Allowed',
        'sts:TagSession: sign-in without the SSMSessionRunAs session tag is refused (run-as on) -> ImplicitlyDenied',
        'sts:TagSession: sign-in with an empty SSMSessionRunAs session tag is refused (run-as on) -> ImplicitlyDenied',
        'sts:AssumeRoleWithSAML: sign-in with SSMSessionRunAs = ROOT is refused (the run-as guard) -> ImplicitlyDenied',
        'sts:TagSession: sign-in with SSMSessionRunAs = ROOT is refused (the run-as guard) -> ImplicitlyDenied',
      ]);
    },
  );

  it('a trust policy that asks for the tag on sts:TagSession only lets an untagged sign-in through', async () => {
    const { access } = matrices.find((m) => m.name === 'example')!;
    const [statement] = access.federatedTrust!.Statement;
    const { StringLike: _runAsTag, ...samlOnly } = statement.Condition!;
    const federatedTrust: PolicyDocument = {
      ...access.federatedTrust!,
      Statement: [
        { ...statement, Action: ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity'], Condition: samlOnly },
        { ...statement, Sid: 'TagSessionWithRunAs', Action: 'sts:TagSession' },
      ],
    };
    const results = await runMatrix(accessMatrix({ ...access, federatedTrust }));
    expect(results.filter((r) => !r.pass).map((r) => `${r.case.action}: ${r.case.description}`)).toEqual([
      'sts:AssumeRoleWithSAML: sign-in without the SSMSessionRunAs session tag is refused (run-as on)',
      'sts:AssumeRoleWithSAML: sign-in with an empty SSMSessionRunAs session tag is refused (run-as on)',
      // The Allowed TagSession case names the statement that decides; it is another one now.
      'sts:TagSession: sign-in with the SSMSessionRunAs session tag (run-as on)',
    ]);
  });
});

describe("a central bucket's own key", () => {
  const central = matrices.find((m) => m.name === CENTRAL_BUCKET_TEST_SOURCE.input.name)!;
  const keyCases = (cases: readonly AccessCase[]) =>
    cases
      .filter((c) => c.resource === CENTRAL_BUCKET_KEY_ARN)
      .map((c) => `${c.principal} ${c.action}: ${c.description} -> ${c.expected}`);

  it('the instance role uploads with it through S3 only; people and the plan role cannot use it', () => {
    expect(keyCases(central.cases).filter((c) => c.includes('(eu-west-1') || c.includes('from eu-west-1'))).toEqual([
      'instance role central-logs-ssm-managed-instance kms:GenerateDataKey: data key for a transcript upload to the central bucket from eu-west-1 (through S3) -> Allowed',
      "instance role central-logs-ssm-managed-instance kms:Decrypt: decrypt with the central bucket's key for a multipart upload from eu-west-1 (through S3) -> Allowed",
      "instance role central-logs-ssm-managed-instance kms:GenerateDataKey: data key with the central bucket's key outside S3 (eu-west-1) -> ImplicitlyDenied",
      "instance role central-logs-ssm-managed-instance kms:Decrypt: decrypt with the central bucket's key outside S3 (eu-west-1) -> ImplicitlyDenied",
      "instance role central-logs-ssm-managed-instance kms:CreateGrant: grant others the central bucket's key (eu-west-1) -> ImplicitlyDenied",
      "alice (federated) kms:GenerateDataKey: data key with the central bucket's key (eu-west-1; users need the session key only) -> ImplicitlyDenied",
      "alice (federated) kms:Decrypt: decrypt transcripts with the central bucket's key (eu-west-1) -> ImplicitlyDenied",
      "role central-logs-github-plan kms:Decrypt: decrypt transcripts with the central bucket's key (eu-west-1) -> ExplicitlyDenied",
      "role central-logs-github-plan kms:Decrypt: decrypt transcripts with the central bucket's key (eu-west-1) (beside an attached allow-all policy) -> ExplicitlyDenied",
    ]);
    // What people need is the session key of each region, which stays in the account.
    expect(
      central.cases
        .filter((c) => c.area === 'kms' && c.expected === 'Allowed')
        .map((c) => `${c.action}: ${c.description}`),
    ).toEqual(['kms:GenerateDataKey: session key in eu-west-1', 'kms:GenerateDataKey: session key in eu-central-1']);
    // Every region's destination uses the one central key; its region names the S3 endpoint.
    expect(keyCases(central.cases)).toHaveLength(18);
    for (const m of matrices.filter((x) => x !== central)) expect(keyCases(m.cases)).toEqual([]);
  });

  /** The central environment's matrix on changed policies: the cases that fail. */
  async function failuresWith(change: Partial<SynthesizedAccess>): Promise<string[]> {
    const results = await runMatrix(accessMatrix({ ...central.access, ...change }));
    return results.filter((r) => !r.pass).map((r) => `${r.case.principal}: ${r.case.description}`);
  }

  it('an instance policy without the S3-only condition lets the agent use the key directly', async () => {
    const instancePolicy = central.access.instancePolicy!;
    const failures = await failuresWith({
      instancePolicy: {
        ...instancePolicy,
        Statement: instancePolicy.Statement.map((s) => {
          if (s.Sid !== MANAGED_INSTANCE_SIDS.transcriptBucketKms) return s;
          const { Condition: _viaS3, ...unconditioned } = s;
          return unconditioned;
        }),
      },
    });
    expect(failures).toEqual([
      "instance role central-logs-ssm-managed-instance: data key with the central bucket's key outside S3 (eu-west-1)",
      "instance role central-logs-ssm-managed-instance: decrypt with the central bucket's key outside S3 (eu-west-1)",
      "instance role central-logs-ssm-managed-instance: data key with the central bucket's key outside S3 (eu-central-1)",
      "instance role central-logs-ssm-managed-instance: decrypt with the central bucket's key outside S3 (eu-central-1)",
    ]);
  });

  it("a session policy granting data keys on every key reaches the central bucket's key", async () => {
    const failures = await failuresWith({
      sessionPolicy: {
        ...central.access.sessionPolicy,
        Statement: central.access.sessionPolicy.Statement.map((s) =>
          s.Sid === SIDS.kms ? { ...s, Resource: 'arn:aws:kms:*:*:key/*' } : s,
        ),
      },
    });
    expect(failures).toEqual(
      expect.arrayContaining([
        "alice (federated): data key with the central bucket's key (eu-west-1; users need the session key only)",
        "alice (federated): data key with the central bucket's key (eu-central-1; users need the session key only)",
      ]),
    );
  });
});

describe('the SCP exemption and the launch tagger', () => {
  it.each(matrices.filter((m) => m.environment.launchTagger.enabled))(
    '$name: the matrix exempts exactly the tagger roles the stack creates, one per region',
    ({ environment, access }) => {
      expect([...access.launchTaggerRoleNames].sort()).toEqual(
        environment.regions.map((r) => `${environment.name}-launch-tagger-${r}`).sort(),
      );
    },
  );
});
