#!/usr/bin/env node
// `npm run deploy -- <stack>...` and `npm run diff -- <stack>`: runs `cdktf deploy|diff` with the
// same arguments, after naming the stacks in SSM_FEDERATED_ACCESS_STACKS so that the app command
// writes only those stacks (cdktf gives the app command no stack name: without the variable, every
// stack of the app is built and written before cdktf picks the one it deploys). Every environment
// is still validated. A glob pattern (`cdktf deploy 'team-*'`) is cdktf's to match: the app then
// writes every stack. Telemetry stays off (CHECKPOINT_DISABLE=1).
//
// Usage: node scripts/cdktf.mjs deploy|diff [cdktf options] [stacks...]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Options of `cdktf deploy` and `cdktf diff` (cdktf-cli 0.21) that take a value: the word after
// them is that value, not a stack. `--var` and `--var-file` take one value each here; write
// `--var=name=value` to be sure.
const OPTIONS_WITH_VALUE = new Set([
  '--app',
  '-a',
  '--output',
  '-o',
  '--outputs-file',
  '--parallelism',
  '--terraform-parallelism',
  '--var',
  '--var-file',
  '--log-level',
]);

/** The stack names among the arguments of `cdktf deploy|diff` (its positional arguments). */
export function stackArguments(args) {
  const stacks = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      stacks.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(arg)) i++;
      continue;
    }
    stacks.push(arg);
  }
  return stacks;
}

/** The environment for cdktf: the stacks named when they are plain names, telemetry off. */
export function cdktfEnvironment(args, env = process.env) {
  const stacks = stackArguments(args);
  const patterns = stacks.some((name) => /[*?[\]{}!]/.test(name));
  return {
    ...env,
    CHECKPOINT_DISABLE: '1',
    ...(stacks.length > 0 && !patterns ? { SSM_FEDERATED_ACCESS_STACKS: stacks.join(',') } : {}),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'deploy' && command !== 'diff') {
    process.stderr.write(
      `scripts/cdktf.mjs: the first argument must be deploy or diff, got ${JSON.stringify(command ?? '')}. Usage: node scripts/cdktf.mjs deploy|diff [options] [stacks...]\n`,
    );
    process.exit(2);
  }
  const result = spawnSync(join(root, 'node_modules', '.bin', 'cdktf'), [command, ...args], {
    stdio: 'inherit',
    env: cdktfEnvironment(args),
  });
  if (result.error) throw result.error;
  if (result.signal) process.kill(process.pid, result.signal);
  process.exitCode = result.status ?? 1;
}
