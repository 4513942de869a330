import { environmentSources } from '../../environments';
import { type SynthesizedStack, synthesize } from '../support/synth';
import { planOffline, terraformVersion } from '../support/terraform';

/**
 * Every environment, as synthesized, must pass `terraform validate` and an offline
 * `terraform plan` with the real AWS provider.
 */
describe('terraform validate and plan, every environment', () => {
  let stacks: Map<string, SynthesizedStack>;

  beforeAll(() => {
    terraformVersion();
    stacks = synthesize().stacks;
  });

  it('finds terraform', () => {
    expect(terraformVersion()).toMatch(/^1\.(1[0-9]|[2-9][0-9])\./);
  });

  it.each(environmentSources.map((s) => String(s.input.name)))('%s validates and plans', (name) => {
    const stack = stacks.get(name)!;
    const result = planOffline(stack.dir, stack.json);
    expect(result.validate).toContain('Success! The configuration is valid.');
    expect(result.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
  });
});
