// `npm run bench`: synth time and peak memory of the compiled app, median of several runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function measure(args) {
  const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-bench-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', join(here, 'report-rss.cjs'), ...args(outdir)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDKTF_OUTDIR: outdir },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`benchmark run failed:\n${result.stderr}`);
  const rssKiB = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(result.stderr)?.[1]);
  return { wallMs, rssMiB: rssKiB / 1024 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bench(label, args, runs = RUNS) {
  const samples = Array.from({ length: runs }, () => measure(args));
  const wall = median(samples.map((s) => s.wallMs));
  const rss = median(samples.map((s) => s.rssMiB));
  console.log(
    `${label.padEnd(52)} wall ${wall.toFixed(0).padStart(6)} ms   peak RSS ${rss.toFixed(1).padStart(6)} MiB   (median of ${runs})`,
  );
  return { wall, rss };
}

console.log('synth benchmark (compiled app, one node process per run)');
const shipped = bench('shipped environments (example, dev, prod)', () => [join(root, 'dist/stacks/main.js')]);
const one = bench('1 generated environment', (out) => [join(here, 'generated-app.cjs'), '1', out]);
const hundred = bench('100 generated environments', (out) => [join(here, 'generated-app.cjs'), '100', out], 3);
bench('62 environments from an organization account list', (out) => [join(here, 'generated-app.cjs'), 'org', out], 3);
console.log(
  `per additional environment: ${((hundred.wall - one.wall) / 99).toFixed(1)} ms, ${((hundred.rss - one.rss) / 99).toFixed(2)} MiB`,
);
console.log(
  `goal for the shipped environments: <= 1500 ms and <= 150 MiB: ${shipped.wall <= 1500 && shipped.rss <= 150 ? 'met' : 'NOT met'}`,
);
