import { ConfigError, type EnvironmentInput, loadEnvironment } from '../../environments';
import { jit } from '../fixtures/environments/jit';

const FILE = 'environments/prod-jit.ts';

function withChanges(change: (input: EnvironmentInput) => void): EnvironmentInput {
  const input = structuredClone(jit);
  change(input);
  return input;
}

function problemsOf(input: EnvironmentInput): string[] {
  try {
    loadEnvironment({ file: FILE, input });
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split('\n');
    throw error;
  }
  return [];
}

const manual = (name: string, targets: unknown) => ({
  name,
  targets,
  approvers: [{ type: 'SSOGroup' as const, name: 'group-1' }],
  minRequiredApprovals: 1,
  accessDurationHours: 4,
});

describe('just-in-time environment settings', () => {
  it('accepts the planned production settings, with defaults applied', () => {
    const config = loadEnvironment({ file: FILE, input: jit });
    expect(config.access.mode).toBe('just-in-time');
    expect(config.justInTime?.autoApproval).toEqual({
      attributeRule: true,
      principalTagOwnerRule: false,
      ownerRule: false,
      exceptWhenTagged: { key: 'Restricted', value: 'true' },
    });
    expect(config.justInTime?.breakGlass.enabled).toBe(true);
  });

  it('defaults to standing access, as before', () => {
    const { justInTime, ...standing } = jit;
    expect(justInTime).toBeDefined();
    const config = loadEnvironment({ file: FILE, input: { ...standing, access: { ownerRule: true } } });
    expect(config.access.mode).toBe('standing');
    expect(config.justInTime).toBeUndefined();
  });

  it('refuses SSH and port forwarding with just-in-time, naming both fields', () => {
    const lines = problemsOf(
      withChanges((e) => {
        e.access = { ...e.access, sshEnabled: true, portForwardingEnabled: true };
      }),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /^environments\/prod-jit\.ts: access\.sshEnabled must be false with access\.mode "just-in-time".*Set access\.sshEnabled to false, or access\.mode to "standing" \(got true\)$/,
      ),
      expect.stringMatching(
        /^environments\/prod-jit\.ts: access\.portForwardingEnabled must be false with access\.mode "just-in-time"/,
      ),
    ]);
  });

  it('allows SSH in standing mode with approval policies deployed (the step before the move)', () => {
    const input = withChanges((e) => {
      e.access = { ...e.access, mode: 'standing', sshEnabled: true };
    });
    expect(problemsOf(input)).toEqual([]);
  });

  it('refuses an auto-approved owner rule: Cedar cannot read aws:userid', () => {
    const lines = problemsOf(
      withChanges((e) => {
        e.justInTime!.autoApproval = { ownerRule: true, attributeRule: true };
      }),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /justInTime\.autoApproval\.ownerRule must be false: .*aws:userid.*Auto-approve the principal-tag owner rule instead/,
      ),
    ]);
  });

  it('refuses auto-approving a rule the environment does not define', () => {
    const lines = problemsOf(
      withChanges((e) => {
        e.justInTime!.autoApproval = { principalTagOwnerRule: true };
      }),
    );
    expect(lines).toEqual([
      expect.stringMatching(/justInTime\.autoApproval\.principalTagOwnerRule needs access\.principalTagOwnerRule/),
    ]);
  });

  it('bounds the session: maximum duration and idle timeout end sessions, not the approval window', () => {
    const lines = problemsOf(
      withChanges((e) => {
        e.session = { maxDurationMinutes: 241, idleTimeoutMinutes: 31 };
      }),
    );
    expect(lines).toEqual([
      expect.stringMatching(
        /session\.maxDurationMinutes must be at most 240 when access\.mode is "just-in-time".*\(got 241\)$/,
      ),
      expect.stringMatching(
        /session\.idleTimeoutMinutes must be at most 30 when access\.mode is "just-in-time".*\(got 31\)$/,
      ),
    ]);
    expect(
      problemsOf(withChanges((e) => void (e.session = { maxDurationMinutes: 240, idleTimeoutMinutes: 30 }))),
    ).toEqual([]);
  });

  it('requires approval policies in just-in-time mode', () => {
    const lines = problemsOf(withChanges((e) => void delete e.justInTime));
    expect(lines).toEqual([expect.stringMatching(/justInTime is required when access\.mode is "just-in-time"/)]);
    const none = problemsOf(withChanges((e) => void (e.justInTime = {})));
    expect(none).toEqual([
      expect.stringMatching(/justInTime must auto-approve a rule or define a manual approval policy/),
    ]);
  });

  describe('manual approval policies that can match the same node', () => {
    const overlapping = (policies: unknown[]) =>
      problemsOf(withChanges((e) => void (e.justInTime!.manualApprovals = policies as never)));

    it('refuses "all" twice', () => {
      expect(overlapping([manual('all-one', 'all'), manual('all-two', 'all')])).toEqual([
        expect.stringMatching(
          /justInTime\.manualApprovals\.1\.targets must not be able to match a node that manualApprovals\.0 \("all-one"\) matches: both target every node/,
        ),
      ]);
    });

    it('refuses one tag key with a value in common', () => {
      const lines = overlapping([
        manual('tier-a', [{ tagKey: 'Tier', values: ['db', 'web'] }]),
        manual('tier-b', [{ tagKey: 'Tier', values: ['web'] }]),
      ]);
      expect(lines).toEqual([
        expect.stringMatching(/both target Tier = web.*Target one tag key in every manual policy/),
      ]);
    });

    it('refuses different tag keys: one node can carry both', () => {
      const lines = overlapping([
        manual('by-tier', [{ tagKey: 'Tier', values: ['db'] }]),
        manual('by-team', [{ tagKey: 'Team', values: ['payments'] }]),
      ]);
      expect(lines).toEqual([
        expect.stringMatching(/they target different tag keys \(Tier, Team\) and one node can carry both/),
      ]);
    });

    it('accepts one tag key with different values, and "all" beside a tag policy (AWS prefers the tag policy)', () => {
      expect(
        overlapping([
          manual('tier-db', [{ tagKey: 'Tier', values: ['db'] }]),
          manual('tier-web', [{ tagKey: 'Tier', values: ['web'] }]),
          manual('everything-else', 'all'),
        ]),
      ).toEqual([]);
    });

    it('checks AWS limits: window 1-336 hours, approvals within the approvers', () => {
      const lines = overlapping([{ ...manual('too-long', 'all'), accessDurationHours: 337, minRequiredApprovals: 2 }]);
      expect(lines).toEqual([
        expect.stringMatching(
          /manualApprovals\.0\.minRequiredApprovals must be a whole number from 1 to the number of approvers \(1\)/,
        ),
        expect.stringMatching(
          /manualApprovals\.0\.accessDurationHours must be a whole number of hours from 1 to 336.*\(got 337\)$/,
        ),
      ]);
    });
  });

  it('requires an alarm destination for the break-glass role, in every region its alarms are in', () => {
    const lines = problemsOf(withChanges((e) => void (e.justInTime!.breakGlass = { enabled: true })));
    expect(lines).toEqual([
      expect.stringMatching(
        /justInTime\.breakGlass must name who is alarmed .* \(missing eu-west-1, eu-central-1, ap-southeast-2, eu-north-1, us-east-1, us-east-2\)/,
      ),
    ]);
    const topics = (regions: string[]) =>
      Object.fromEntries(regions.map((r) => [r, `arn:aws:sns:${r}:345678901234:security`]));
    const withTopics = (regions: string[], signInAlarmRegions?: string[]) =>
      problemsOf(
        withChanges(
          (e) =>
            void (e.justInTime!.breakGlass = {
              enabled: true,
              alarmTopicArns: topics(regions),
              ...(signInAlarmRegions ? { signInAlarmRegions: signInAlarmRegions as never } : {}),
            }),
        ),
      );
    expect(withTopics(['eu-west-1', 'eu-central-1', 'us-east-1'], [])).toEqual([]);
    expect(withTopics(['eu-west-1', 'eu-central-1', 'us-east-1', 'sa-east-1'], [])).toEqual([
      expect.stringMatching(
        /justInTime\.breakGlass\.alarmTopicArns\.sa-east-1 is not a region the break-glass alarms are in .* add the region to signInAlarmRegions/,
      ),
    ]);
  });

  describe('break-glass trust', () => {
    const oncall = 'arn:aws:iam::345678901234:role/security-oncall';
    const withBreakGlass = (breakGlass: object, identityCenter = false) =>
      problemsOf(
        withChanges((e) => {
          Object.assign(e.justInTime!.breakGlass!, breakGlass);
          if (identityCenter) {
            e.identity = {
              type: 'identity-center',
              instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
              region: 'eu-west-1',
              adminAccountId: '111111111111',
              permissionSetName: 'SsmShell',
              attributePaths: Object.fromEntries(
                ['AppId', 'Stage', 'AppId2', 'Stage2', 'AppId3', 'Stage3'].map((t) => [t, `\${path:enterprise.${t}}`]),
              ),
            } as never;
          }
        }),
      );

    it('defaults to the SAML provider, plus the IAM principals listed', () => {
      const trustOf = (breakGlass: object) =>
        loadEnvironment({ file: FILE, input: withChanges((e) => Object.assign(e.justInTime!.breakGlass!, breakGlass)) })
          .justInTime!.breakGlass;
      expect(trustOf({}).trust).toBeUndefined();
      expect(withBreakGlass({})).toEqual([]);
      expect(withBreakGlass({ trustedPrincipalArns: [oncall] })).toEqual([]);
      expect(trustOf({ trust: 'iam', trustedPrincipalArns: [oncall] }).trust).toBe('iam');
    });

    it.each([
      [
        { trust: 'iam' },
        /breakGlass\.trustedPrincipalArns must list who may assume the break-glass role with MFA when trust is "iam"/,
      ],
      [{ trust: 'both' }, /breakGlass\.trustedPrincipalArns must list who may assume .* or set trust: "saml"/],
      [
        { trust: 'saml', trustedPrincipalArns: [oncall] },
        /breakGlass\.trustedPrincipalArns lists IAM principals, but trust is "saml"/,
      ],
      [{ trust: 'sso' }, /breakGlass\.trust must be "iam", "saml" or "both"/],
      [
        { cloudTrailLogGroupRegion: 'us-east-1' },
        /breakGlass\.cloudTrailLogGroupRegion names the region of a trail log group, but cloudTrailLogGroupName is not set/,
      ],
      [
        { cloudTrailLogGroupName: 'org-trail', signInAlarmRegions: ['us-east-2'] },
        /breakGlass\.signInAlarmRegions has no effect with cloudTrailLogGroupName/,
      ],
    ])('refuses %j', (breakGlass, message) => {
      expect(withBreakGlass(breakGlass)).toEqual([expect.stringMatching(message)]);
    });

    it('refuses the SAML trust in an Identity Center environment, and asks for IAM principals there', () => {
      expect(withBreakGlass({ trust: 'saml' }, true)).toEqual([
        expect.stringMatching(/breakGlass\.trust must be "iam" in an Identity Center environment.*got "saml"/),
      ]);
      expect(withBreakGlass({}, true)).toEqual([
        expect.stringMatching(/breakGlass\.trustedPrincipalArns must list who may assume .*no SAML provider to trust/),
      ]);
      expect(withBreakGlass({ trustedPrincipalArns: [oncall] }, true)).toEqual([]);
    });
  });
});
