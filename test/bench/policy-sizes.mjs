// Usage: node test/bench/policy-sizes.mjs   (npm run bench runs it)
import { join } from 'node:path';
import { bundleAndRun, projectRoot } from '../tools/bundle-and-run.mjs';

process.exitCode = await bundleAndRun(
  join(projectRoot, 'test', 'bench', 'policy-sizes.ts'),
  join(projectRoot, 'dist', 'bench', 'policy-sizes.cjs'),
);
