// `npm run bench` (fan-out part): the workflows' matrix for large organizations and the pull
// request's change detection. Needs `npm run build` first.
//   - shards: how many, and the largest, for 5,000 accounts (and a few other sizes); how many
//     stacks move to another shard when accounts are added
//   - listing the matrix for 5,000 accounts: the environments command's work in its own process
//     (read the account list, validate 5,000 environments, shard them; no synth)
//   - change detection (changed-stacks) between two synthesized apps of 1,000 stacks, copies of a
//     real synthesized stack: one stack edited, and every stack edited (a change in modules/)
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const { shardsOf, assignShards, shardCapacity } = require(join(root, 'dist/cli/commands/shards.js'));
const { compareApps } = require(join(root, 'dist/cli/commands/changed-stacks.js'));
const RUNS = Number(process.env.BENCH_FANOUT_RUNS ?? 3);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'ssm-fa-bench-fanout-'));

try {
  console.log('workflow matrix (shards of at most ceil(1.25 x stacks / 256), rendezvous hashing over 256 slots)');
  const names = (n, prefix = 'workload') =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  for (const n of [100, 256, 1000, 5000]) {
    const sizes = shardsOf(names(n)).map((s) => s.stacks.length);
    console.log(
      `  ${String(n).padStart(5)} stacks: ${String(sizes.length).padStart(3)} shards, largest ${String(Math.max(...sizes)).padStart(2)} (cap ${shardCapacity(n)}), average ${(n / sizes.length).toFixed(1)}`,
    );
  }
  const before = assignShards(names(5000));
  const moved = (after) => [...before].filter(([name, shard]) => after.has(name) && after.get(name) !== shard).length;
  console.log(
    `  stacks of 5,000 that change shard: +1 account ${moved(assignShards(names(5001)))}, +50 accounts ${moved(assignShards([...names(5000), ...names(50, 'added')]))}, -1 account ${moved(assignShards(names(4999)))}`,
  );

  // The environments command's work, one node process per run (module loading included).
  const list = [];
  let rss = 0;
  let matrix;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(
      process.execPath,
      [
        '--require',
        join(here, 'report-rss.cjs'),
        join(here, 'organization-matrix.cjs'),
        '5000',
        join(work, 'accounts.json'),
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    list.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`organization-matrix.cjs failed:\n${result.stderr}`);
    rss = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(result.stderr)?.[1]) / 1024;
    matrix = JSON.parse(result.stdout);
  }
  const largest = Math.max(...matrix.map((s) => s.stacks.length));
  console.log(
    `  listing the matrix for 5,000 accounts (validate + shard, no synth): wall ${median(list).toFixed(0)} ms, peak RSS ${rss.toFixed(0)} MiB (median of ${RUNS}); ${matrix.length} entries, largest shard ${largest}, ${JSON.stringify(matrix).length.toLocaleString('en-US')} bytes of job output (GitHub allows 1 MB)`,
  );
  console.log(
    `  goal: <= 256 entries and a few seconds: ${matrix.length <= 256 && median(list) <= 5000 ? 'met' : 'NOT met'}`,
  );

  // Two synthesized apps of 1,000 stacks, each a copy of the example stack under its own name.
  const template = join(work, 'template');
  const synth = spawnSync(process.execPath, [join(root, 'dist/stacks/main.js')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDKTF_OUTDIR: template },
  });
  if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stderr}`);
  const count = 1000;
  const app = (name) => {
    const out = join(work, name);
    const stacks = {};
    const json = readFileSync(join(template, 'stacks', 'example', 'cdk.tf.json'), 'utf8');
    for (let i = 0; i < count; i++) {
      const stack = `env-${String(i).padStart(4, '0')}`;
      cpSync(join(template, 'stacks', 'example'), join(out, 'stacks', stack), { recursive: true });
      writeFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), json.replaceAll('example', stack));
      stacks[stack] = {
        name: stack,
        synthesizedStackPath: `stacks/${stack}/cdk.tf.json`,
        workingDirectory: `stacks/${stack}`,
      };
    }
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks }));
    return out;
  };
  const base = app('base');
  const head = app('head');
  const time = (label, expected) => {
    const samples = [];
    let changes;
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      changes = compareApps(base, head);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    if (changes.changed.length !== expected)
      throw new Error(`${label}: expected ${expected} changed, got ${changes.changed.length}`);
    console.log(
      `  ${label.padEnd(56)} wall ${median(samples).toFixed(0).padStart(6)} ms   (median of ${RUNS}; ${changes.changed.length} changed)`,
    );
  };
  const bytes = Number(spawnSync('du', ['-sb', base], { encoding: 'utf8' }).stdout.split('\t')[0]);
  console.log(
    `\nchange detection (changed-stacks) between two synthesized apps of ${count} stacks (${(bytes / 2 ** 20).toFixed(0)} MiB each)`,
  );
  time('nothing changed (every byte compared)', 0);
  appendFileSync(join(head, 'stacks', 'env-0042', 'cdk.tf.json'), ' ');
  time('one environment file edited (one stack differs)', 1);
  // A change in modules/ touches every stack; an edit of the same length is the slow case (no size shortcut).
  for (let i = 0; i < count; i++) {
    const file = join(head, 'stacks', `env-${String(i).padStart(4, '0')}`, 'cdk.tf.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"ec2-user"', '"ec2-usex"'));
  }
  time('modules/ changed (every stack differs, same sizes)', count);
} finally {
  rmSync(work, { recursive: true, force: true });
}
