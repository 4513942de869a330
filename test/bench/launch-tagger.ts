// The launch tagger's benchmark (run by test/bench/launch-tagger.mjs, from `npm run bench`): bundle
// size, load time and peak memory of the bundle in Node, AWS calls per event, and a burst of
// launch events against a local EC2 endpoint that throttles. Prints numbers; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEc2, type FakeEc2Options } from '../support/fake-ec2';

const ROOT = process.cwd();
const BUNDLE = join(ROOT, 'dist', 'launch-tagger', 'index.mjs');
const ZIP = join(ROOT, 'dist', 'launch-tagger', 'launch-tagger.zip');
const RUNNER = join(ROOT, 'test', 'handlers', 'launch-tagger', 'run-bundle.mjs');
const REPORT_RSS = join(ROOT, 'test', 'bench', 'report-rss.cjs');
const FEDERATED_ROLE_ID = 'AROA2EXAMPLEFEDROLE01';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BURST_EVENTS = Number(process.env.BENCH_TAGGER_EVENTS ?? 1000);
/** One process per execution environment, as many as the function's reserved concurrency (default 5). */
const BURST_WORKERS = Number(process.env.BENCH_TAGGER_WORKERS ?? 5);
const THROTTLE_RATE = 0.1;
/** An Identity Center deployment (the test fixtures' permission set), instead of the SAML role. */
const IC_ENV = {
  FEDERATED_ROLE_NAME: undefined,
  FEDERATED_ROLE_UNIQUE_ID: undefined,
  PERMISSION_SET_NAME: 'SsmShellAccess',
};
const IC_ROLES = [
  {
    path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
    roleName: 'AWSReservedSSO_SsmShellAccess_0123456789abcdef',
    roleId: 'AROA3EXAMPLEPSROLE001',
  },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Event = any;
interface RunResult {
  readonly loadMs: number;
  readonly runMs: number;
  readonly results: { ok: boolean }[];
  readonly rssMiB: number;
}

function fixture(name: string): Event {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'cloudtrail', `${name}.json`), 'utf8'));
}

/** A federated person's launch of `count` instances with fresh ids. */
function launch(id: string, firstInstance: number, count: number): Event {
  const event = fixture('run-instances-federated');
  const [template] = event.detail.responseElements.instancesSet.items;
  event.id = id;
  event.detail.responseElements.instancesSet.items = Array.from({ length: count }, (_, i) => ({
    ...template,
    instanceId: `i-${(firstInstance + i).toString(16).padStart(17, '0')}`,
    amiLaunchIndex: i,
  }));
  return event;
}

/** Runs the bundled handler in a fresh Node process (one execution environment) on these events. */
async function runBundle(
  events: Event[],
  endpoint: string,
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-tagger-bench-'));
  writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
  const child = spawn(
    process.execPath,
    ['--require', REPORT_RSS, RUNNER, BUNDLE, join(dir, 'events.json'), join(dir, 'results.json'), '1'],
    {
      env: {
        PATH: process.env.PATH,
        FEDERATED_ROLE_NAME: 'SsmFederatedShell',
        FEDERATED_ROLE_UNIQUE_ID: FEDERATED_ROLE_ID,
        LAUNCHER_ROLE_NAMES: 'ServiceWorkbenchLauncher',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIAOFFLINEBENCH0001',
        AWS_SECRET_ACCESS_KEY: 'offline-bench-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_ENDPOINT_URL_EC2: endpoint,
        AWS_ENDPOINT_URL_IAM: endpoint,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bundled handler failed (${code}):\n${stderr}`);
  const rssKiB = Number(/BENCH_MAX_RSS_KIB=(\d+)/.exec(stderr)?.[1]);
  return { ...JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')), rssMiB: rssKiB / 1024 };
}

async function withFake<T>(options: FakeEc2Options, body: (endpoint: string, fake: FakeEc2) => Promise<T>): Promise<T> {
  const fake = new FakeEc2(options);
  const endpoint = await fake.start();
  try {
    return await body(endpoint, fake);
  } finally {
    await fake.stop();
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  print('launch tagger benchmark (bundled handler, real SDK, local EC2 Query endpoint on 127.0.0.1)');

  const bundleKB = statSync(BUNDLE).size / 1000;
  const zipKB = statSync(ZIP).size / 1000;
  print(
    `bundle index.mjs ${bundleKB.toFixed(0)} KB (zip ${zipKB.toFixed(0)} KB)   goal <= 900 KB: ${met(bundleKB <= 900)}`,
  );

  const loads = await withFake({}, async (endpoint) => {
    const samples: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await runBundle([fixture('run-instances-federated')], endpoint));
    return samples;
  });
  const loadMs = median(loads.map((s) => s.loadMs));
  const rss = median(loads.map((s) => s.rssMiB));
  print(
    `load (import) ${loadMs.toFixed(0)} ms, peak RSS ${rss.toFixed(1)} MiB with one event handled (median of ${RUNS})   goal <= 80 MiB: ${met(rss <= 80)}`,
  );

  // Identity Center: the IAM client too, and one tag-mode event that looks the permission set role up.
  const icLoads = await withFake({ roles: IC_ROLES }, async (endpoint) => {
    const samples: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(await runBundle([fixture('run-instances-identity-center-launcher-created-by')], endpoint, IC_ENV));
    }
    return samples;
  });
  const icRss = median(icLoads.map((s) => s.rssMiB));
  print(
    `Identity Center: load ${median(icLoads.map((s) => s.loadMs)).toFixed(0)} ms, peak RSS ${icRss.toFixed(1)} MiB with one tag-mode event (IAM ListRoles, then CreateTags; median of ${RUNS})   goal <= 80 MiB: ${met(icRss <= 80)}`,
  );

  const kinds: [string, FakeEc2Options][] = [
    ['run-instances-federated', {}],
    ['run-instances-multi', {}],
    ['run-instances-launcher-created-by', {}],
    ['run-instances-spoofed-owner', {}],
    ['run-instances-launcher-without-created-by', { instances: { 'i-0c1d2e3f4a5b60003': { CreatedBy: 'carol' } } }],
    ['run-instances-unrelated-caller', {}],
    ['run-instances-failed', {}],
    ['run-instances-identity-center', { roles: IC_ROLES }],
    ['run-instances-identity-center-launcher-created-by', { roles: IC_ROLES }],
  ];
  print('AWS calls per event (HTTP requests to EC2 and IAM; goal 1 when the tags are in the event):');
  for (const [name, options] of kinds) {
    const calls = await withFake(options, async (endpoint, fake) => {
      await runBundle([fixture(name)], endpoint, name.includes('identity-center') ? IC_ENV : {});
      return fake.requests.map((r) => r.action);
    });
    print(`  ${name.padEnd(52)} ${calls.length}  ${calls.join(', ')}`);
  }

  for (const mode of ['adaptive', 'standard'] as const) {
    const result = await burst(mode);
    print(
      `burst (${mode}${mode === 'adaptive' ? ', deployed' : ', comparison'}): ${BURST_EVENTS} events, ${result.instances} instances, ` +
        `${BURST_WORKERS} execution environments, ${THROTTLE_RATE * 100}% of requests throttled: ` +
        `${result.eventsPerSecond.toFixed(1)} events/s, ${result.seconds.toFixed(1)} s, ` +
        `${result.requests} requests (${result.throttled} RequestLimitExceeded), ${result.failed} events failed, ` +
        `${result.untagged} instances untagged`,
    );
  }
  print(
    '  (the fake throttles a fixed share whatever the rate, a worst case for adaptive mode, which slows its send rate after each throttle)',
  );
}

async function burst(mode: 'adaptive' | 'standard') {
  const events: Event[] = [];
  let nextInstance = 1;
  for (let i = 0; i < BURST_EVENTS; i++) {
    const count = (i % 3) + 1;
    events.push(launch(`burst-${i}`, nextInstance, count));
    nextInstance += count;
  }
  const instances = nextInstance - 1;
  return withFake({ throttleRate: THROTTLE_RATE, seed: 42 }, async (endpoint, fake) => {
    const start = performance.now();
    const shares = Array.from({ length: BURST_WORKERS }, (_, w) => events.filter((_e, i) => i % BURST_WORKERS === w));
    const runs = await Promise.all(shares.map((share) => runBundle(share, endpoint, { AWS_RETRY_MODE: mode })));
    const seconds = (performance.now() - start) / 1000;
    const owner = `${FEDERATED_ROLE_ID}:alice@example.com`;
    let untagged = 0;
    for (let id = 1; id <= instances; id++) {
      if (fake.tags.get(`i-${id.toString(16).padStart(17, '0')}`)?.get('AwsUserId') !== owner) untagged++;
    }
    return {
      instances,
      seconds,
      eventsPerSecond: BURST_EVENTS / seconds,
      requests: fake.requests.length,
      throttled: fake.requests.filter((r) => r.answer === 'RequestLimitExceeded').length,
      failed: runs.flatMap((r) => r.results).filter((r) => !r.ok).length,
      untagged,
    };
  });
}

main().catch((error) => {
  process.stderr.write(`${String(error?.stack ?? error)}\n`);
  process.exitCode = 1;
});
