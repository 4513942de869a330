// Bundles a TypeScript entry point with esbuild (scripts/esbuild-options.cjs: dependencies stay
// external) into the project's dist/, so that they resolve from its node_modules, and runs it from
// the project root.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_BUNDLE } from '../../scripts/esbuild-options.cjs';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Returns the process exit code of the bundled entry point. */
export async function bundleAndRun(entryPoint, outfile, args = []) {
  await build({ ...NODE_BUNDLE, entryPoints: [entryPoint], outfile });
  return spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: projectRoot }).status ?? 1;
}
