import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TerraformStack, Testing } from 'cdktf';
import type { SynthesizedStack } from '../../cli/stacks/synthesized-stack';

/**
 * Synthesizes one test stack the way `cdktf synth` writes it, construct-path metadata included
 * (`Testing.synth` leaves the metadata out), so that `resourceAt` can find resources by path.
 */
export function synthStack(stack: TerraformStack): SynthesizedStack {
  const outdir = Testing.fullSynth(stack);
  const dir = join(outdir, 'stacks', stack.node.id);
  return { name: stack.node.id, dir, json: JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) };
}
