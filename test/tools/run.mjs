// Runs a TypeScript tool from test/tools: bundles it with esbuild (dependencies stay external) and
// runs the bundle with the remaining arguments. Usage: node test/tools/run.mjs <tool> [args...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [tool, ...args] = process.argv.slice(2);
// Inside the project, so that the external dependencies resolve from its node_modules.
const outfile = join(here, '..', '..', 'dist', 'tools', `${tool}.cjs`);
await build({
  entryPoints: [join(here, `${tool}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: join(here, '..', '..') });
process.exitCode = result.status ?? 1;
