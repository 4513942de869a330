// Runs the launch tagger's benchmark (launch-tagger.ts): bundles it with esbuild (dependencies stay
// external) and runs it from the project root. Needs `npm run build` first (the handler's bundle).
// Usage: node test/bench/launch-tagger.mjs   (npm run bench runs it after the synth benchmark)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
if (!existsSync(join(root, 'dist', 'launch-tagger', 'launch-tagger.zip'))) {
  throw new Error('dist/launch-tagger/launch-tagger.zip is missing: run `npm run build` first');
}
const outfile = join(root, 'dist', 'bench', 'launch-tagger.cjs');
await build({
  entryPoints: [join(here, 'launch-tagger.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const result = spawnSync(process.execPath, [outfile], { stdio: 'inherit', cwd: root });
process.exitCode = result.status ?? 1;
