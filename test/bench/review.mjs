// `npm run bench` (last part): run time of the review command on the shipped environments.
// Offline plan-report is what a fork's pull request runs (terraform init and plan per stack, then
// the report); from saved plans is the report job (no terraform: synth read, evaluator, rendering).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const RUNS = Number(process.env.BENCH_REVIEW_RUNS ?? 3);

function run(args, env = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return wallMs;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const work = mkdtempSync(join(tmpdir(), 'ssm-fa-bench-review-'));
const out = join(work, 'cdktf.out');
const plans = join(work, 'plans');
run([join(root, 'dist', 'stacks', 'main.js')], { CDKTF_OUTDIR: out });

const offline = [];
for (let i = 0; i < RUNS; i++) {
  offline.push(
    run([cli, 'plan-report', '--out', out, '--offline', '--save-plans', plans, '--markdown', join(work, 'r.md')]),
  );
}
const saved = readdirSync(plans).flatMap((f) => ['--plan', `${f.replace(/\.json$/, '')}=${join(plans, f)}`]);
const fromSaved = [];
for (let i = 0; i < 5; i++) {
  fromSaved.push(
    run([cli, 'plan-report', '--out', out, ...saved, '--markdown', join(work, 'r.md'), '--html', join(work, 'r.html')]),
  );
}
rmSync(work, { recursive: true, force: true });

const stacks = saved.length / 2;
console.log(`review (ssm-federated-access plan-report) of the ${stacks} shipped environments`);
console.log(
  `  offline, terraform init + plan included   wall ${median(offline).toFixed(0).padStart(6)} ms   (median of ${RUNS})`,
);
console.log(
  `  from saved plans (Markdown and HTML)      wall ${median(fromSaved).toFixed(0).padStart(6)} ms   (median of 5)`,
);
