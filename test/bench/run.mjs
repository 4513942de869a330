// `npm run bench`: synth time and peak memory of the compiled app, median of several runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Runs `run` with `file` edited (a comment appended) for its duration, then restores it. */
function withEdited(file, run) {
  const path = join(root, file);
  const original = readFileSync(path);
  try {
    writeFileSync(path, `${original}\n// benchmark edit ${Date.now()}\n`);
    return run();
  } finally {
    writeFileSync(path, original);
  }
}

// The app command of cdktf.json, as `cdktf synth|diff|deploy` run it: it builds the current sources
// (esbuild) every time, and the launch tagger zip only when one of its inputs changed.
console.log('app command (node stacks/run.mjs: build the sources, then synthesize; one node process per run)');
const appCommand = () => [join(root, 'stacks/run.mjs')];
const edited = withEdited('environments/dev.ts', () =>
  bench('after editing environments/dev.ts (shipped environments)', appCommand),
);
withEdited('handlers/launch-tagger/errors.ts', () =>
  bench('after editing a launch tagger source (zip rebuilt once)', appCommand, 1),
);
console.log(
  `goal for the app command after an environment edit: <= 2000 ms: ${edited.wall <= 2000 ? 'met' : 'NOT met'}\n`,
);

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

// Organization scale: 1, 100 and 1,000 generated environments (5,000 with BENCH_LARGE=1) and one
// stack selected out of 1,000 (test/bench/synth-scale.mjs): a few minutes.
console.log('');
const scale = spawnSync(process.execPath, [join(here, 'synth-scale.mjs')], { cwd: root, stdio: 'inherit' });
if (scale.status !== 0) process.exitCode = scale.status ?? 1;

// Policy size: the session access policy against the number of users and of attribute (ABAC) groups.
{
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { sessionAccessDocument } = require(join(root, 'dist/modules/session-access-policy/access-rules.js'));
  const { POLICY_QUOTAS, quotaSize } = require(join(root, 'dist/modules/core/policy-lint.js'));
  const quota = POLICY_QUOTAS.roleInlinePolicies.maxChars;
  const regions = ['eu-west-1', 'us-east-1'];
  const keys = regions.map((r) => `arn:aws:kms:${r}:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
  const pairs = (n) =>
    Array.from({ length: n }, (_, i) => ({ principalTag: `Attr${i + 1}`, instanceTag: `ATTR_${i + 1}` }));
  // Two regions, two session keys, owner rule, SSH on: the example environment's shape.
  const size = (groups, tags = 1, extra = {}) =>
    quotaSize(
      sessionAccessDocument({
        accountId: '111111111111',
        regions,
        rules: { ownerRule: true, ...(groups > 0 ? { attributeRule: { tags: pairs(tags), groups } } : {}), ...extra },
        sshEnabled: true,
        portForwardingEnabled: false,
        sessionKmsKeyArns: keys,
      }),
    );

  console.log(
    '\npolicy size (characters without whitespace; the quota is IAM inline policies per role / permission set: 10,240)',
  );
  // Nothing in the policy names a user: ${aws:userid} and the principal tags are filled in per request,
  // so the document for 10,000 users is the document for one.
  for (const users of [1, 100, 10_000]) {
    console.log(
      `  ${String(users).padStart(6)} users, owner rule + 2 ABAC groups: ${size(2)} characters (no per-user statements)`,
    );
  }
  for (const tags of [1, 2, 3]) {
    const row = [1, 2, 5, 10, 20].map((g) => `${g} group${g > 1 ? 's' : ''}: ${size(g, tags)}`).join(', ');
    const perGroup = (size(20, tags) - size(1, tags)) / 19;
    let fits = 0;
    while (size(fits + 1, tags) <= quota) fits++;
    let fitsManaged = 0;
    while (size(fitsManaged + 1, tags) <= POLICY_QUOTAS.managedPolicy.maxChars) fitsManaged++;
    console.log(`  ${tags} tag pair${tags > 1 ? 's' : ''} per group: ${row}`);
    console.log(
      `    ~${perGroup.toFixed(0)} characters per group (linear); largest that fits: ${fits} groups inline (10,240), ${fitsManaged} as a managed policy (6,144); the schema allows 20`,
    );
  }
  const withCreator = size(2, 1, {
    principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' },
  });
  console.log(`  principal-tag owner rule adds ${withCreator - size(2)} characters`);
}

// Policy size against regions and features: the largest policy of an environment as a share of its
// quota, 1 to 8 regions, every feature and the fewest, and the production shapes (test/bench/policy-sizes.ts).
console.log('');
const sizes = spawnSync(process.execPath, [join(here, 'policy-sizes.mjs')], { cwd: root, stdio: 'inherit' });
if (sizes.status !== 0) process.exitCode = sizes.status ?? 1;

// Just-in-time: Cedar validation time per environment (test/bench/just-in-time.mjs).
console.log('');
const justInTime = spawnSync(process.execPath, [join(here, 'just-in-time.mjs')], { cwd: root, stdio: 'inherit' });
if (justInTime.status !== 0) process.exitCode = justInTime.status ?? 1;

// Launch tagger: bundle size, load cost, AWS calls per event and a throttled burst (test/bench/launch-tagger.ts).
console.log('');
const tagger = spawnSync(process.execPath, [join(here, 'launch-tagger.mjs')], { cwd: root, stdio: 'inherit' });
if (tagger.status !== 0) process.exitCode = tagger.status ?? 1;

// Review: the plan-report command on the shipped environments (test/bench/review.mjs).
console.log('');
const review = spawnSync(process.execPath, [join(here, 'review.mjs')], { cwd: root, stdio: 'inherit' });
if (review.status !== 0) process.exitCode = review.status ?? 1;

// Fan-out: the workflows' shards for 5,000 accounts, listing them, and change detection between two
// synthesized apps of 1,000 stacks (test/bench/fanout.mjs).
console.log('');
const fanout = spawnSync(process.execPath, [join(here, 'fanout.mjs')], { cwd: root, stdio: 'inherit' });
if (fanout.status !== 0) process.exitCode = fanout.status ?? 1;

// Deploy time per environment on the local AWS API emulator (test/bench/deploy.ts): a few minutes.
if (process.env.BENCH_DEPLOY !== '0') {
  const deploy = spawnSync(process.execPath, [join(here, 'deploy.mjs')], { cwd: root, stdio: 'inherit' });
  if (deploy.status !== 0) process.exitCode = deploy.status ?? 1;
}
