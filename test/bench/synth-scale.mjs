// Organization scale (part of `npm run bench`): a full synth of 1, 100 and 1,000 generated
// environments, and of 1,000 accounts from an organization export (two regions, CI roles), through
// the compiled app (dist/stacks/main.js, worker threads as the app command runs them), and one stack
// selected out of 1,000 as `npm run deploy -- <stack>` synthesizes it. The synth before batches (one
// App, test/bench/one-app.cjs) runs on the same 1,000 environments in the same run, so the ratio holds
// on any machine, and the two outputs are compared file by file. BENCH_LARGE=1 adds the organization
// export through one App (compared too), one worker thread, and 5,000 environments.
// Printed: wall time, CPU time (user + system, every thread), peak RSS of the process (worker threads
// included: they are threads of the one process) and the size of the output, with the load average.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function sizeOf(path) {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stat.size;
}

/** One synth of `mode` (see generated-app.cjs) in a fresh process. */
function synth(mode, { env = {}, app = 'generated-app.cjs', keep = false } = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-scale-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    ['--require', join(here, 'report-rss.cjs'), join(here, app), String(mode), outdir],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`synth of ${mode} failed:\n${result.stderr}`);
  const bytes = sizeOf(outdir);
  const stacks = readdirSync(join(outdir, 'stacks')).length;
  if (!keep) rmSync(outdir, { recursive: true, force: true });
  return {
    outdir,
    wallMs,
    cpuMs: Number(/BENCH_CPU_MS=(\d+)/.exec(result.stderr)?.[1]),
    rssMiB: Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(result.stderr)?.[1]) / 1024,
    bytes,
    stacks,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(label, mode, { runs = 1, ...options } = {}) {
  const samples = Array.from({ length: runs }, () => synth(mode, options));
  const pick = (key) => median(samples.map((s) => s[key]));
  const result = {
    wallMs: pick('wallMs'),
    cpuMs: pick('cpuMs'),
    rssMiB: pick('rssMiB'),
    bytes: pick('bytes'),
    outdir: samples[0].outdir,
  };
  console.log(
    `${label.padEnd(58)} wall ${(result.wallMs / 1000).toFixed(1).padStart(6)} s   CPU ${(result.cpuMs / 1000).toFixed(1).padStart(6)} s   peak RSS ${result.rssMiB.toFixed(0).padStart(5)} MiB   output ${(result.bytes / 1e6).toFixed(1).padStart(7)} MB (${samples[0].stacks} stacks)${runs > 1 ? `   (median of ${runs})` : ''}`,
  );
  return result;
}

function files(dir, sub = '') {
  return readdirSync(join(dir, sub), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(dir, join(sub, e.name)) : [join(sub, e.name)]))
    .sort();
}

/** The files that differ between two synthesized apps (missing, extra or other bytes). */
function differing(a, b) {
  const [left, right] = [files(a), files(b)];
  const inRight = new Set(right);
  const inLeft = new Set(left);
  return [...new Set([...left, ...right])].filter(
    (file) =>
      !inLeft.has(file) || !inRight.has(file) || !readFileSync(join(a, file)).equals(readFileSync(join(b, file))),
  );
}

/** Prints whether the batched synth wrote what one App writes, and their ratios; removes both. */
function compare(label, batched, oneApp) {
  const differences = differing(oneApp.outdir, batched.outdir);
  const ratio = (key) => (batched[key] / oneApp[key]).toFixed(2);
  console.log(
    `${label}: every file byte for byte as one App writes it (manifest.json included): ${differences.length === 0 ? `yes (${files(batched.outdir).length} files)` : `NO: ${differences.slice(0, 5).join(', ')}`}`,
  );
  console.log(
    `${label}, batched / one App: CPU ${ratio('cpuMs')}, wall ${ratio('wallMs')}, peak RSS ${ratio('rssMiB')}`,
  );
  if (differences.length > 0) process.exitCode = 1;
  for (const dir of [batched.outdir, oneApp.outdir]) rmSync(dir, { recursive: true, force: true });
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
const goal = (result) =>
  `${result.wallMs <= 30_000 ? 'time met' : 'time NOT met'}, ${result.rssMiB <= 400 ? 'memory met' : 'memory NOT met'}`;

const large = process.env.BENCH_LARGE === '1';
console.log('organization scale: full synth (worker threads as the app command runs them)');
console.log(`load average (1, 5, 15 min) before: ${load()}`);
row('1 environment', 1, { runs: 3 });
const hundred = row('100 environments', 100, { runs: 3 });
const thousand = row('1,000 environments (copies of example)', 1000, { keep: true });
const thousandOneApp = row('1,000 environments, one App (the synth before)', 1000, { keep: true, app: 'one-app.cjs' });
compare('1,000 environments', thousand, thousandOneApp);
const organization = row('1,000 accounts, organization export (2 regions, CI)', 'org:1000', { keep: large });
if (large) {
  compare(
    '1,000 accounts',
    organization,
    row('1,000 accounts, one App', 'org:1000', { keep: true, app: 'one-app.cjs' }),
  );
  row('1,000 environments, one worker thread', 1000, { env: { SSM_FEDERATED_ACCESS_SYNTH_THREADS: '1' } });
  row('5,000 environments', 5000);
}
const selected = row('1 stack of 1,000 (SSM_FEDERATED_ACCESS_STACKS)', 1000, {
  runs: 3,
  env: { SSM_FEDERATED_ACCESS_STACKS: 'env-500' },
});
console.log(`load average (1, 5, 15 min) after: ${load()}`);
console.log(
  `goal for 1,000 accounts: <= 30 s and <= 400 MiB: copies of example: ${goal(thousand)}; organization export: ${goal(organization)}`,
);
console.log(
  `memory from 100 to 1,000 environments: ${hundred.rssMiB.toFixed(0)} -> ${thousand.rssMiB.toFixed(0)} MiB (flat when the worker threads' heap budget, not the app, bounds it)`,
);
console.log(`goal for one stack of 1,000: <= 2 s: ${selected.wallMs <= 2000 ? 'met' : 'NOT met'}`);
