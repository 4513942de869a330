// The checks `npm test` runs between the preflight and jest: the type check, eslint and prettier,
// the API reference's validation, the guides' links and examples, and the build. Each is one
// process on one core (tsc, eslint, prettier and typedoc do not use a second one), and none reads
// what another writes, so they run as many at a time as the machine has cores, the longest first:
// on a 2-core machine that takes about half the time of running them one after the other.
// Each check's output is printed when it ends; the first that fails stops the others, and this
// exits with its code, so jest does not start. Usage: node scripts/checks.mjs [npm script ...]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The npm scripts, longest first (CPU seconds each, on the project's 2-core machine). */
const CHECKS = [
  'lint', // 21 s: eslint 8, prettier 13
  'typecheck', // 16 s
  'build', // 10 s: tsc 9, the launch tagger's bundle
  'docs:check', // 9 s
  'docs:links', // 4 s
];

const names = process.argv.length > 2 ? process.argv.slice(2) : CHECKS;
const running = new Map();
let failed = false;

function start(name) {
  const started = Date.now();
  // Its own process group, so that stopping it stops what npm started.
  const child = spawn('npm', ['run', name], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  running.set(name, child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(name);
      if (signal && failed) return resolve(0);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const verdict = code === 0 ? 'passed' : `failed (exit code ${code})`;
      process.stdout.write(`${Buffer.concat(output).toString()}${name}: ${verdict} in ${seconds} s\n`);
      resolve(code ?? 1);
    });
  });
}

function stopOthers() {
  for (const child of running.values()) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function worker(queue) {
  for (let name = queue.shift(); name !== undefined && !failed; name = queue.shift()) {
    const code = await start(name);
    if (code !== 0 && !failed) {
      failed = true;
      process.exitCode = code;
      if (running.size > 0) process.stderr.write(`stopping ${[...running.keys()].join(', ')}\n`);
      stopOthers();
    }
  }
}

const queue = [...names];
await Promise.all(Array.from({ length: Math.min(availableParallelism(), queue.length) }, () => worker(queue)));
