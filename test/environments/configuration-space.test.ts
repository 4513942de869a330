import fc from 'fast-check';
import { environmentChoices, environmentOf } from '../support/environment-arbitrary';
import { EIGHT_REGIONS } from '../support/production-shapes';
import { buildEnvironment, environmentProblems, policySizes } from '../support/policy-sizes';

/**
 * The schema is the promise: every environment it accepts synthesizes, and every IAM policy it
 * writes stays within 85% of its quota, whatever the combination of regions, identity type,
 * access mode, break-glass, CI, logging, endpoints, launch tagger and attribute groups. A failure
 * shrinks to a minimal environment (fast-check), printed with the seed to replay it; add it to
 * REGRESSIONS below.
 *
 * `npm test` runs a fixed seed and a bounded count; `FC_RUNS` and `FC_SEED` widen or vary it.
 */
const SEED = Number(process.env.FC_SEED ?? 20261207);
const RUNS = Number(process.env.FC_RUNS ?? 40);
const HEADROOM = 0.85;

/** Minimal environments that once broke a property, kept as named fixtures. */
const REGRESSIONS: Record<string, Parameters<typeof environmentOf>[0]> = {
  'eight regions, every feature, Identity Center with CI': {
    regions: [...EIGHT_REGIONS],
    identity: 'identity-center',
    mode: 'just-in-time',
    breakGlassIam: true,
    ci: true,
    central: false,
    objectLock: true,
    endpointRegions: 8,
    launchTagger: 'tag',
    groups: 10,
    tagsPerGroup: 3,
    ownerRule: true,
    principalTagOwner: true,
    ssh: false,
    portForwarding: false,
    runAs: true,
  },
};

function violations(choices: Parameters<typeof environmentOf>[0]): string[] {
  const access = buildEnvironment(environmentOf(choices));
  const problems = environmentProblems(access);
  const oversized = policySizes(access)
    .filter((s) => s.share > HEADROOM)
    .map((s) => `${s.where}: ${s.size} of ${s.maxChars} (${(s.share * 100).toFixed(1)}%, more than 85%)`);
  return [...problems, ...oversized];
}

describe('every environment the schema accepts', () => {
  it.each(Object.entries(REGRESSIONS))('%s synthesizes within 85%% of every quota', (_name, choices) => {
    expect(violations(choices)).toEqual([]);
  });

  it('synthesizes with no problem, and every policy within 85% of its quota', () => {
    fc.assert(
      fc.property(environmentChoices, (choices) => {
        expect(violations(choices)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('the check can fail: an environment with a policy over 85% of its quota is reported', () => {
    // 20 attribute groups of 3 long tags: the session policy outgrows its headroom.
    const base = environmentOf({
      ...REGRESSIONS['eight regions, every feature, Identity Center with CI'],
      identity: 'saml',
      mode: 'standing',
    });
    const access = buildEnvironment({
      ...base,
      access: {
        ownerRule: true,
        attributeRule: {
          tags: [1, 2, 3].map((i) => ({
            principalTag: `VeryLongPrincipalTagName${i}`,
            instanceTag: `VERY_LONG_INSTANCE_TAG_${i}`,
          })),
          groups: 20,
        },
      },
    });
    // Over the quota, even: the synth refuses it with the fix that applies.
    expect(environmentProblems(access)).toEqual([
      expect.stringContaining('To fit, lower access.attributeRule.groups or the tags per group'),
    ]);
    const [largest] = policySizes(access);
    expect(largest.where).toContain('session-access');
    expect(largest.share).toBeGreaterThan(HEADROOM);
  });
});
