import fc from 'fast-check';
import type { EnvironmentSource } from '../../environments';
import { environmentChoices, environmentOf } from '../support/environment-arbitrary';
import { PRODUCTION_SHAPES } from '../support/production-shapes';
import { type SynthesizedStack, synthesize } from '../support/synth';
import { planOffline } from '../support/terraform';

/**
 * The production shapes (3 to 8 regions with CI, just-in-time and break-glass together) and a
 * seeded sample of generated environments pass `terraform validate` and an offline `terraform plan`
 * with the real AWS provider, as the shipped environments do (plan.test.ts). `FC_PLAN_SAMPLES`
 * plans more generated environments (the scheduled run uses more).
 */
const SAMPLES = Number(process.env.FC_PLAN_SAMPLES ?? 3);
const SEED = Number(process.env.FC_SEED ?? 20261207);

const shapes: EnvironmentSource[] = Object.entries(PRODUCTION_SHAPES).map(([key, input]) => ({
  file: `test/support/production-shapes.ts#${key}`,
  input,
}));
const sampled: EnvironmentSource[] = fc
  .sample(environmentChoices, { seed: SEED, numRuns: SAMPLES })
  .map((choices, i) => ({ file: `generated/sample-${i}.ts`, input: environmentOf(choices, `sample-${i}`) }));

describe('terraform validate and plan: production shapes and generated environments', () => {
  let stacks: Map<string, SynthesizedStack>;

  beforeAll(() => {
    stacks = synthesize([...shapes, ...sampled]).stacks;
  });

  it.each([...shapes, ...sampled].map((s) => String(s.input.name)))('%s validates and plans', (name) => {
    const stack = stacks.get(name)!;
    const result = planOffline(stack.dir, stack.json);
    expect(result.validate).toContain('Success! The configuration is valid.');
    expect(result.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
