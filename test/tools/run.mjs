// Runs a TypeScript tool from test/tools with the remaining arguments.
// Usage: node test/tools/run.mjs <tool> [args...]
import { join } from 'node:path';
import { bundleAndRun, projectRoot } from './bundle-and-run.mjs';

const [tool, ...args] = process.argv.slice(2);
process.exitCode = await bundleAndRun(
  join(projectRoot, 'test', 'tools', `${tool}.ts`),
  join(projectRoot, 'dist', 'tools', `${tool}.cjs`),
  args,
);
