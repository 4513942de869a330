// Runs the launch tagger's benchmark (launch-tagger.ts). Needs `npm run build` first (the handler's bundle).
// Usage: node test/bench/launch-tagger.mjs   (npm run bench runs it after the synth benchmark)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleAndRun, projectRoot } from '../tools/bundle-and-run.mjs';

if (!existsSync(join(projectRoot, 'dist', 'launch-tagger', 'launch-tagger.zip'))) {
  throw new Error('dist/launch-tagger/launch-tagger.zip is missing: run `npm run build` first');
}
process.exitCode = await bundleAndRun(
  join(projectRoot, 'test', 'bench', 'launch-tagger.ts'),
  join(projectRoot, 'dist', 'bench', 'launch-tagger.cjs'),
);
