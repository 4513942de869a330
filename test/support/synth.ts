import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EnvironmentConfig,
  type EnvironmentSource,
  environmentSources,
  loadEnvironments,
} from '../../environments';
import { buildApp } from '../../stacks/app';
import type { SynthesizedStack } from '../../cli/stacks/synthesized-stack';

export {
  type SynthesizedStack,
  logicalIdAt,
  readPolicy,
  resourceAt,
  resourcesOfType,
} from '../../cli/stacks/synthesized-stack';

/** Validates and synthesizes environments into a fresh temporary folder, as `cdktf synth` would. */
export function synthesize(sources: readonly EnvironmentSource[] = environmentSources): {
  outdir: string;
  configs: EnvironmentConfig[];
  stacks: Map<string, SynthesizedStack>;
} {
  const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-synth-'));
  const configs = loadEnvironments(sources);
  buildApp(configs, { outdir }).synth();
  const stacks = new Map<string, SynthesizedStack>();
  for (const config of configs) {
    const dir = join(outdir, 'stacks', config.name);
    stacks.set(config.name, {
      name: config.name,
      dir,
      json: JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')),
    });
  }
  return { outdir, configs, stacks };
}
