import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EnvironmentConfig,
  type EnvironmentSource,
  environmentSources,
  loadEnvironments,
} from '../../environments';
import { type PolicyDocument, unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { buildApp } from '../../stacks/app';

/** A synthesized stack: the parsed `cdk.tf.json` and where it was written. */
export interface SynthesizedStack {
  readonly name: string;
  readonly dir: string;
  // Terraform JSON is untyped by nature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

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

/** All resources of one Terraform type in a stack, by logical id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourcesOfType(stack: SynthesizedStack, type: string): Record<string, any> {
  return stack.json.resource?.[type] ?? {};
}

/** The logical id of the single resource of a type whose construct path ends with `pathSuffix`. */
export function logicalIdAt(stack: SynthesizedStack, type: string, pathSuffix: string): string {
  const ids = Object.entries(resourcesOfType(stack, type))
    .filter(([, r]) => String(r['//']?.metadata?.path ?? '').endsWith(pathSuffix))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} at */${pathSuffix}, found ${ids.length}`);
  return ids[0];
}

/** The single resource of a type whose construct path ends with `pathSuffix`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resourceAt(stack: SynthesizedStack, type: string, pathSuffix: string): any {
  const matches = Object.values(resourcesOfType(stack, type)).filter((r) =>
    String(r['//']?.metadata?.path ?? '').endsWith(pathSuffix),
  );
  if (matches.length !== 1) throw new Error(`expected one ${type} at */${pathSuffix}, found ${matches.length}`);
  return matches[0];
}

/** Reads a policy argument back from synthesized JSON, undoing exactly the Terraform template escaping. */
export function readPolicy(rendered: string): PolicyDocument {
  return JSON.parse(unescapeTerraformTemplate(rendered)) as PolicyDocument;
}
