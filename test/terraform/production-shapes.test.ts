import fc from 'fast-check';
import type { EnvironmentSource } from '../../environments';
import { environmentChoices, environmentOf } from '../support/environment-arbitrary';
import { uncoveredSignatures } from '../support/plan-coverage';
import { PRODUCTION_SHAPES } from '../support/production-shapes';
import { type SynthesizedStack, synthesize } from '../support/synth';
import { planOffline } from '../support/terraform';

/**
 * The production shapes (3 to 8 regions with CI, just-in-time and break-glass together) and a
 * seeded sample of generated environments pass an offline `terraform plan` with the real AWS
 * provider, as the shipped environments do (plan.test.ts; the plan validates the configuration
 * first, see offline-override.test.ts). `FC_PLAN_SAMPLES` plans more generated environments, and
 * `PLAN_SHAPES=all` every shape (the scheduled run sets both).
 */
const SAMPLES = Number(process.env.FC_PLAN_SAMPLES ?? 3);
const SEED = Number(process.env.FC_SEED ?? 20261207);

/**
 * Shapes whose plan `npm test` leaves to the scheduled run, with what covers each in `npm test`.
 * Every block, argument, nested block, reference and provider region of each is also in a shape
 * that `npm test` plans (the first test below proves it), and a plan's work and failures depend on
 * those, not on the shape's names and numbers.
 */
const SCHEDULED_ONLY: Readonly<Record<string, string>> = {
  everyFeature6: 'all-8 has the same features in two more regions',
  retailer: 'the deploy suite applies it on the emulator and plans it again (test/deploy/deploy.test.ts)',
};
const planEveryShape = process.env.PLAN_SHAPES === 'all';

const source = ([key, input]: [string, EnvironmentSource['input']]): EnvironmentSource => ({
  file: `test/support/production-shapes.ts#${key}`,
  input,
});
const shapes = Object.entries(PRODUCTION_SHAPES).map(source);
const scheduledOnly = Object.entries(PRODUCTION_SHAPES).filter(([key]) => key in SCHEDULED_ONLY);
const planned = Object.entries(PRODUCTION_SHAPES)
  .filter(([key]) => planEveryShape || !(key in SCHEDULED_ONLY))
  .map(source);
const sampled: EnvironmentSource[] = fc
  .sample(environmentChoices, { seed: SEED, numRuns: SAMPLES })
  .map((choices, i) => ({ file: `generated/sample-${i}.ts`, input: environmentOf(choices, `sample-${i}`) }));

describe('terraform validate and plan: production shapes and generated environments', () => {
  let stacks: Map<string, SynthesizedStack>;

  beforeAll(() => {
    stacks = synthesize([...shapes, ...sampled]).stacks;
  });

  it.each(scheduledOnly.map(([key, input]) => [String(input.name), SCHEDULED_ONLY[key]]))(
    '%s, planned in the scheduled run, sets nothing that the shapes planned here do not (%s)',
    (name) => {
      // The fixed shapes only: the samples change with FC_SEED.
      const others = shapes
        .filter((s) => !(s.file.split('#')[1] in SCHEDULED_ONLY))
        .map((s) => stacks.get(String(s.input.name))!);
      expect(uncoveredSignatures(stacks.get(name)!, others)).toEqual([]);
    },
  );

  it('the comparison sees what a shape adds: a bucket per region is not in the central-bucket shape', () => {
    const missing = uncoveredSignatures(stacks.get('retail-prod-b')!, [stacks.get('retail-prod')!]);
    expect(missing).toEqual(expect.arrayContaining([expect.stringMatching(/^resource:aws_s3_bucket /)]));
  });

  it.each([...planned, ...sampled].map((s) => String(s.input.name)))('%s validates and plans', (name) => {
    const stack = stacks.get(name)!;
    const result = planOffline(stack.dir, stack.json, { validate: false });
    expect(result.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
