// The app command of cdktf.json (`cdktf synth|diff|deploy` run it): builds what it runs from the
// sources on disk every time, so a stale build can never be deployed, then synthesizes.
// - The app (stacks/main.ts and everything it imports from this project) is bundled by esbuild into
//   dist/app/main.cjs, the way the project runs its TypeScript on Node.js (scripts/esbuild-options.cjs):
//   packages stay external and load from node_modules; esbuild only strips types (`npm test` type-checks).
// - The launch tagger's zip is rebuilt only when one of its inputs changed (same bytes either way).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ensureLaunchTaggerBundle } from '../handlers/launch-tagger/build.mjs';
import { NODE_BUNDLE } from '../scripts/esbuild-options.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'app', 'main.cjs');

const [built] = await Promise.all([
  ensureLaunchTaggerBundle(),
  build({ ...NODE_BUNDLE, entryPoints: [join(root, 'stacks', 'main.ts')], outfile }),
]);
if (built) process.stdout.write(`${built}\n`);

const { runApp } = createRequire(import.meta.url)(outfile);
process.exitCode = await runApp();
