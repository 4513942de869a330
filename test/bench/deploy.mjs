// Runs the deploy benchmark (deploy.ts). Needs Terraform, the provider mirror and moto, like the deploy suite.
// Usage: node test/bench/deploy.mjs   (npm run bench runs it last; BENCH_DEPLOY=0 skips it;
// BENCH_DEPLOY_REGIONS=1,4,8 deploys dev with those region counts for the cost of a region, 1,8 by default)
import { join } from 'node:path';
import { bundleAndRun, projectRoot } from '../tools/bundle-and-run.mjs';

process.exitCode = await bundleAndRun(
  join(projectRoot, 'test', 'bench', 'deploy.ts'),
  join(projectRoot, 'dist', 'bench', 'deploy.cjs'),
);
