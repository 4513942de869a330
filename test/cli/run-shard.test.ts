import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CiTarget } from '../../cli/commands/ci-targets';
import { compareApps } from '../../cli/commands/changed-stacks';
import { credentialsFromEnvironment, runStacks, synthesizeStacks } from '../../cli/commands/run-shard';
import { environmentSources } from '../../environments';
import { synthesize } from '../support/synth';
import { assignShards } from '../../cli/commands/shards';
import { main } from '../../cli/main';

/**
 * run-shard with a stand-in terraform on the PATH: it logs each call (stack, arguments, role) and
 * fails or reports drift for the stacks named so, which is what the command has to handle.
 */
const root = join(__dirname, '..', '..');
const bin = mkdtempSync(join(tmpdir(), 'ssm-fa-fake-tf-'));
const log = join(bin, 'calls.log');
const plan = (changes: boolean) =>
  JSON.stringify({
    format_version: '1.2',
    resource_changes: changes
      ? [
          {
            address: 'aws_iam_role.federated',
            mode: 'managed',
            type: 'aws_iam_role',
            name: 'federated',
            change: {
              actions: ['update'],
              before: { max_session_duration: 3600 },
              after: { max_session_duration: 14400 },
            },
          },
        ]
      : [],
  });
writeFileSync(join(bin, 'changed.json'), plan(true));
writeFileSync(join(bin, 'clean.json'), plan(false));
writeFileSync(
  join(bin, 'terraform'),
  `#!/bin/sh
stack=$(basename "$PWD")
echo "$(date +%s%N) start $stack $1 role=$AWS_ROLE_ARN token=$( [ -n "$AWS_WEB_IDENTITY_TOKEN_FILE" ] && cat "$AWS_WEB_IDENTITY_TOKEN_FILE")" >> "${log}"
case "$1" in
  plan)
    sleep 0.2
    echo "$(date +%s%N) end $stack" >> "${log}"
    case "$stack" in broken*) echo "Error: AccessDenied for $stack" >&2; exit 1;; esac
    : > tfplan
    case "$*" in *-detailed-exitcode*) case "$stack" in drift*) exit 2;; esac;; esac
    exit 0;;
  show)
    if [ "$2" = "-json" ]; then case "$stack" in drift*|changed*) cat "${join(bin, 'changed.json')}";; *) cat "${join(bin, 'clean.json')}";; esac
    else echo "plan of $stack"; fi;;
  apply) echo "applied $stack" > applied.txt;;
esac
exit 0
`,
);
chmodSync(join(bin, 'terraform'), 0o755);
const originalPath = process.env.PATH;
beforeAll(() => (process.env.PATH = `${bin}:${originalPath}`));
afterAll(() => (process.env.PATH = originalPath));
beforeEach(() => writeFileSync(log, ''));

const target = (name: string): CiTarget => ({
  name,
  accountId: '123456789012',
  region: 'eu-west-1',
  planRoleArn: `arn:aws:iam::123456789012:role/${name}-github-plan`,
  deployRoleArn: `arn:aws:iam::123456789012:role/${name}-github-deploy`,
  deployEnvironment: name,
  state: { type: 'local' },
});

function appWith(names: string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'ssm-fa-shard-'));
  for (const name of names) {
    mkdirSync(join(out, 'stacks', name), { recursive: true });
    writeFileSync(join(out, 'stacks', name, 'cdk.tf.json'), '{}');
  }
  return out;
}

const noCredentials = async () => ({});

/** The most calls of `plan` running at once, from the log's start and end times. */
function maxConcurrentPlans(): number {
  const events = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([, kind, , verb]) => kind === 'end' || verb === 'plan')
    .map(([time, kind]) => ({ time: BigInt(time), delta: kind === 'start' ? 1 : -1 }))
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.delta - b.delta));
  let running = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (running += e.delta));
  return most;
}

describe('run-shard', () => {
  it('one failure does not stop the others; at most --concurrency stacks at a time', async () => {
    const names = ['a1', 'a2', 'broken', 'changed', 'a3', 'a4'];
    const results = await runStacks(names.map(target), {
      action: 'plan',
      concurrency: 2,
      outdir: appWith(names),
      credentials: noCredentials,
    });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['a1', 'no changes'],
      ['a2', 'no changes'],
      ['broken', 'failed'],
      ['changed', 'changes'],
      ['a3', 'no changes'],
      ['a4', 'no changes'],
    ]);
    expect(results[2].error).toContain('Error: AccessDenied for broken');
    expect(results[3].counts).toEqual({ add: 0, change: 1, destroy: 0 });
    expect(maxConcurrentPlans()).toBe(2);
  });

  it('drift: exit code 2 of -detailed-exitcode is "drifted", 0 is clean; the plan is kept for drift-report', async () => {
    const names = ['drifted', 'clean'];
    const out = appWith(names);
    const results = await runStacks(names.map(target), {
      action: 'drift',
      concurrency: 4,
      outdir: out,
      credentials: noCredentials,
    });
    expect(results.map((r) => r.status)).toEqual(['drifted', 'no changes']);
    expect(JSON.parse(readFileSync(join(out, 'stacks', 'drifted', 'plan.json'), 'utf8')).resource_changes).toHaveLength(
      1,
    );
    expect(readFileSync(log, 'utf8')).toMatch(/start drifted plan role=/);
    expect(readFileSync(log, 'utf8')).not.toMatch(/start drifted apply/);
  });

  it('apply: applies the saved plan with the deploy role, skips a plan that changes nothing, fails without a plan', async () => {
    const names = ['changed', 'clean', 'missing'];
    const out = appWith(names);
    for (const name of ['changed', 'clean']) {
      writeFileSync(join(out, 'stacks', name, 'tfplan'), '');
      writeFileSync(join(out, 'stacks', name, 'plan.json'), plan(name === 'changed'));
    }
    const roles = async (_: CiTarget, role: string) => ({ AWS_ROLE_ARN: role });
    const results = await runStacks(names.map(target), {
      action: 'apply',
      concurrency: 4,
      outdir: out,
      credentials: roles,
    });
    expect(results.map((r) => r.status)).toEqual(['applied', 'skipped', 'failed']);
    expect(results[2].error).toMatch(/no tfplan/);
    expect(readFileSync(log, 'utf8')).toContain(
      'start changed apply role=arn:aws:iam::123456789012:role/changed-github-deploy',
    );
    expect(readFileSync(log, 'utf8')).not.toContain('start clean apply');
  });

  it("in GitHub Actions each terraform command assumes the stack's own role with a fresh OIDC token", async () => {
    const requests: { url: string; auth?: string }[] = [];
    const server: Server = createServer((req, res) => {
      requests.push({ url: req.url ?? '', auth: req.headers.authorization });
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ value: `jwt-${requests.length}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const credentials = credentialsFromEnvironment({
        ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      });
      const names = ['one', 'two'];
      await runStacks(names.map(target), { action: 'plan', concurrency: 1, outdir: appWith(names), credentials });
      // One token per terraform command (init, plan, show, show -json), each for sts.amazonaws.com.
      expect(requests).toHaveLength(8);
      for (const r of requests)
        expect(r).toEqual({ url: '/token?api-version=2.0&audience=sts.amazonaws.com', auth: 'bearer request-token' });
      const calls = readFileSync(log, 'utf8');
      expect(calls).toContain('start one init role=arn:aws:iam::123456789012:role/one-github-plan token=jwt-1');
      expect(calls).toContain('start one plan role=arn:aws:iam::123456789012:role/one-github-plan token=jwt-2');
      expect(calls).toContain('start two plan role=arn:aws:iam::123456789012:role/two-github-plan token=jwt-6');
    } finally {
      server.close();
    }
  });

  it('the command: the shard of the matrix, each stack in the job summary, exit 1 when a stack failed', async () => {
    const shard = assignShards(['dev', 'prod']).get('prod')!;
    const out = appWith(['prod']);
    const summary = join(out, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    let stdout = '';
    const code = await main(
      [
        'run-shard',
        '--shard',
        String(shard),
        '--action',
        'plan',
        '--out',
        out,
        '--summary',
        summary,
        '--results',
        join(out, 'results.json'),
      ],
      { cwd: root, stdout: (t) => (stdout += t), stderr: () => undefined },
    );
    expect(code).toBe(0);
    expect(stdout).toContain(`### plan of shard ${shard}: 1 stack`);
    expect(stdout).toMatch(/\| prod \| 345678901234 \| no changes \| 0 \| 0 \| 0 \| [\d.]+ \|/);
    expect(readFileSync(summary, 'utf8')).toBe(`# earlier step\n${stdout}`);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))[0]).toMatchObject({
      name: 'prod',
      status: 'no changes',
    });

    // No synthesized folder for the stack: it fails, and the exit code says so.
    const failed = await main(['run-shard', '--shard', String(shard), '--action', 'plan', '--out', appWith([])], {
      cwd: root,
      stdout: () => undefined,
      stderr: () => undefined,
    });
    expect(failed).toBe(1);
  });

  it('--synthesized: the roles of your own app, read from its synthesized stacks', async () => {
    const { outdir } = synthesize(environmentSources);
    const shard = assignShards(['dev', 'prod']).get('dev')!;
    let stdout = '';
    const code = await main(
      [
        'run-shard',
        '--synthesized',
        '--out',
        outdir,
        '--shard',
        String(shard),
        '--action',
        'plan',
        '--summary',
        join(outdir, 's.md'),
      ],
      { cwd: root, stdout: (t) => (stdout += t), stderr: () => undefined },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| dev \| 210987654321 \| no changes \|/);
    expect(readFileSync(log, 'utf8')).toMatch(/start dev plan /);
  });

  it("--synth: a shard's stacks synthesized alone are the bytes of the whole app's", async () => {
    const whole = synthesize(environmentSources).outdir;
    const alone = mkdtempSync(join(tmpdir(), 'ssm-fa-shard-synth-'));
    await synthesizeStacks(root, alone, ['dev']);
    expect(compareApps(whole, alone)).toEqual({
      added: [],
      changed: [],
      deleted: ['example', 'prod'],
      unchanged: ['dev'],
    });
  });
});
