// Runs the deploy benchmark (deploy.ts). Needs Terraform, the provider mirror and moto, like the deploy suite.
// Usage: node test/bench/deploy.mjs   (npm run bench runs it last; BENCH_DEPLOY=0 skips it)
import { join } from 'node:path';
import { bundleAndRun, projectRoot } from '../tools/bundle-and-run.mjs';

process.exitCode = await bundleAndRun(
  join(projectRoot, 'test', 'bench', 'deploy.ts'),
  join(projectRoot, 'dist', 'bench', 'deploy.cjs'),
);
