import { zipSync } from 'fflate';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DeployRecord, stackDigest } from '../../cli/commands/changed-stacks';
import { finishStacks, zipEntry } from '../../cli/commands/deploy-record';
import type { StackResult } from '../../cli/commands/run-shard';
import { main } from '../../cli/main';
import { type EnvironmentSource, environmentSources } from '../../environments';
import { synthesize } from '../support/synth';

/**
 * Deploys that plan only what changed, as recorded runs of the deploy workflow, one push after
 * another: the commands its jobs run (changes: fetch the record, changed-stacks --deployed,
 * environments --changed, start; plan and apply: run-shard --changed; record: fetch, finish), with a
 * stand-in terraform on the PATH and a fake GitHub API that keeps the runs' "deployed-stacks"
 * artifacts. The test edits environments in memory, so the commands read the synthesized app
 * (--out, --synthesized) where the workflow reads this project's environment files.
 */
const REPOSITORY = 'example-org/ssm-federated-access';
const REPOSITORY_ID = 1000;

// --- a terraform that logs "<stack> <command>" and fails the applies listed in fail-apply ---
const bin = mkdtempSync(join(tmpdir(), 'ssm-fa-deploy-tf-'));
const calls = join(bin, 'calls.log');
const failApply = join(bin, 'fail-apply');
const changedPlan = JSON.stringify({
  format_version: '1.2',
  resource_changes: [
    {
      address: 'aws_iam_role.federated',
      mode: 'managed',
      type: 'aws_iam_role',
      name: 'federated',
      change: { actions: ['update'], before: { max_session_duration: 3600 }, after: { max_session_duration: 14400 } },
    },
  ],
});
writeFileSync(join(bin, 'plan.json'), changedPlan);
writeFileSync(
  join(bin, 'terraform'),
  `#!/bin/sh
stack=$(basename "$PWD")
echo "$stack $1" >> "${calls}"
case "$1" in
  plan) : > tfplan;;
  show) if [ "$2" = "-json" ]; then cat "${join(bin, 'plan.json')}"; else echo "plan of $stack"; fi;;
  apply) if grep -qx "$stack" "${failApply}"; then echo "Error: AccessDenied for $stack" >&2; exit 1; fi;;
esac
exit 0
`,
);
chmodSync(join(bin, 'terraform'), 0o755);

// --- a GitHub API with the repository's artifacts and the runs they belong to ---
interface StoredArtifact {
  id: number;
  name: string;
  created_at: string;
  expired: boolean;
  workflow_run: { id: number; repository_id: number; head_repository_id: number; head_branch: string };
  zip: Buffer;
}
let artifacts: StoredArtifact[] = [];
const runs = new Map<number, { path: string; head_branch: string }>();
let clock = 0;
let server: Server;
let requests: string[] = [];

/** actions/upload-artifact with overwrite: the run's artifact of that name is replaced. */
function upload(run: number, file: string, branch = 'main', headRepositoryId = REPOSITORY_ID): void {
  artifacts = artifacts.filter((a) => !(a.workflow_run.id === run && a.name === 'deployed-stacks'));
  artifacts.push({
    id: 5000 + ++clock,
    name: 'deployed-stacks',
    created_at: new Date(Date.UTC(2026, 0, 1, 0, clock)).toISOString(),
    expired: false,
    workflow_run: { id: run, repository_id: REPOSITORY_ID, head_repository_id: headRepositoryId, head_branch: branch },
    zip: Buffer.from(zipSync({ 'deployed-stacks.json': readFileSync(file) })),
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    // A connection per request: seconds of synthesis pass between calls, longer than keep-alive lasts.
    res.setHeader('Connection', 'close');
    const repo = `/repos/${REPOSITORY}/actions`;
    let match: RegExpMatchArray | null;
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname === `${repo}/artifacts`) {
      const named = artifacts
        .filter((a) => a.name === url.searchParams.get('name'))
        .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
      const page = Number(url.searchParams.get('page') ?? '1');
      const list = named.slice((page - 1) * 100, page * 100).map(({ zip: _, ...a }) => a);
      res.end(JSON.stringify({ total_count: named.length, artifacts: list }));
    } else if ((match = url.pathname.match(new RegExp(`^${repo}/runs/(\\d+)$`)))) {
      res.end(JSON.stringify({ id: Number(match[1]), ...runs.get(Number(match[1])) }));
    } else if ((match = url.pathname.match(new RegExp(`^${repo}/artifacts/(\\d+)/zip$`)))) {
      // As GitHub does: a redirect to the archive's storage.
      res.writeHead(302, { Location: `/storage/${match[1]}` }).end();
    } else if ((match = url.pathname.match(/^\/storage\/(\d+)$/))) {
      res.setHeader('Content-Type', 'application/zip');
      res.end(artifacts.find((a) => a.id === Number(match![1]))!.zip);
    } else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.GITHUB_TOKEN = 'test-token';
  process.env.GITHUB_REPOSITORY = REPOSITORY;
  process.env.PATH = `${bin}:${process.env.PATH}`;
});
afterAll(() => {
  server.close();
  for (const name of ['GITHUB_API_URL', 'GITHUB_TOKEN', 'GITHUB_REPOSITORY', 'GITHUB_RUN_ID', 'GITHUB_SHA'])
    delete process.env[name];
  process.env.PATH = process.env.PATH!.split(':').slice(1).join(':');
});

async function cli(cwd: string, argv: string[], stdoutFile?: string): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  // run-shard exits 1 when a stack failed; the workflow carries on to record the others.
  if (code !== 0 && !(argv[0] === 'run-shard' && code === 1))
    throw new Error(`${argv.join(' ')} exited ${code}: ${stderr}`);
  if (stdoutFile) {
    mkdirSync(dirname(join(cwd, stdoutFile)), { recursive: true });
    writeFileSync(join(cwd, stdoutFile), stdout);
  }
  return stdout;
}

/** A commit of main: the environment sources and, for a change in modules/, an edit of the synthesized files. */
interface Commit {
  readonly sources: readonly EnvironmentSource[];
  readonly modulesChange?: boolean;
}

function synthesizeCommit(commit: Commit): string {
  const out = synthesize(commit.sources).outdir;
  if (commit.modulesChange) {
    // What a change to a construct does: every stack's cdk.tf.json differs.
    for (const stack of readdirSync(join(out, 'stacks'))) {
      const file = join(out, 'stacks', stack, 'cdk.tf.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"ec2-user"', '"ec2-usex"'));
    }
  }
  return out;
}

/** One run of the deploy workflow: what it planned and applied, and the record it left. */
async function deployRun(run: number, commit: Commit, options: { failApply?: string[]; all?: boolean } = {}) {
  runs.set(run, { path: '.github/workflows/deploy.yml', head_branch: 'main' });
  process.env.GITHUB_RUN_ID = String(run);
  process.env.GITHUB_SHA = `commit-${run}`;
  writeFileSync(failApply, (options.failApply ?? []).join('\n') + '\n');
  writeFileSync(calls, '');
  const app = synthesizeCommit(commit);

  // changes
  const changes = mkdtempSync(join(tmpdir(), 'ssm-fa-deploy-changes-'));
  await cli(changes, ['deploy-record', '--action', 'fetch', '--record', 'deployed/deployed-stacks.json']);
  let compared = 'deployed/deployed-stacks.json';
  if (options.all) writeFileSync(join(changes, (compared = 'deployed/nothing.json')), '{"format": 1, "stacks": {}}');
  await cli(changes, ['changed-stacks', '--deployed', compared, '--head', app], 'changed/changes.json');
  await cli(changes, ['environments', '--out', app, '--changed', 'changed/changes.json'], 'changed/matrix.json');
  const record = ['--record', 'deployed/deployed-stacks.json'];
  await cli(changes, [
    'deploy-record',
    '--action',
    'start',
    ...record,
    '--matrix',
    'changed/matrix.json',
    '--out',
    app,
  ]);
  upload(run, join(changes, 'deployed/deployed-stacks.json'));
  const matrix = JSON.parse(readFileSync(join(changes, 'changed/matrix.json'), 'utf8')) as { shard: number }[];

  // plan and apply, per shard of the changed stacks
  const summary = ['--summary', join(changes, 'summary.md')];
  const changed = [
    '--synthesized',
    '--out',
    app,
    '--concurrency',
    '4',
    '--changed',
    'changed/changes.json',
    ...summary,
  ];
  for (const { shard } of matrix) {
    await cli(changes, ['run-shard', '--shard', String(shard), '--action', 'plan', ...changed]);
    await cli(changes, [
      'run-shard',
      '--shard',
      String(shard),
      '--action',
      'apply',
      ...changed,
      '--results',
      `applied/results-${shard}.json`,
    ]);
  }

  // record (a fresh runner: only the apply jobs' results are downloaded)
  if (matrix.length > 0) {
    const recordJob = mkdtempSync(join(tmpdir(), 'ssm-fa-deploy-record-'));
    for (const { shard } of matrix) {
      const file = `applied/results-${shard}.json`;
      mkdirSync(join(recordJob, 'applied'), { recursive: true });
      writeFileSync(join(recordJob, file), readFileSync(join(changes, file)));
    }
    await cli(recordJob, ['deploy-record', '--action', 'fetch', ...record]);
    await cli(recordJob, ['deploy-record', '--action', 'finish', ...record, '--results', 'applied']);
    upload(run, join(recordJob, 'deployed/deployed-stacks.json'));
    rmSync(recordJob, { recursive: true });
  }
  const log = readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean);
  const did = (verb: string) =>
    log
      .filter((l) => l.endsWith(` ${verb}`))
      .map((l) => l.split(' ')[0])
      .sort();
  return { planned: did('plan'), applied: did('apply'), record: latestRecord(), app };
}

function latestRecord(): DeployRecord {
  const newest = [...artifacts].sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
  return JSON.parse(zipEntry(newest.zip, 'deployed-stacks.json', 'test').toString('utf8')) as DeployRecord;
}

function edited(name: string, change: (input: EnvironmentSource['input']) => EnvironmentSource['input']) {
  return environmentSources.map((s) => (s.input.name === name ? { ...s, input: change(s.input) } : s));
}

const shipped: Commit = { sources: environmentSources };
const devEdited: Commit = {
  sources: edited('dev', (input) => ({ ...input, session: { ...input.session, idleTimeoutMinutes: 15 } })),
};
const modulesChanged: Commit = { ...devEdited, modulesChange: true };

describe('deploys plan only what changed since the last successful deploy (recorded runs)', () => {
  it('the first deploy has no record (artifacts of pull requests, forks, other workflows and expired ones do not count): every stack with CI roles is planned, applied and recorded', async () => {
    // Records that would skip every stack, were they trusted.
    const app = synthesizeCommit(shipped);
    const forged = join(app, 'forged.json');
    const applied = (name: string) => ({
      sha256: stackDigest(join(app, 'stacks', name)),
      state: 'applied',
      commit: 'x',
      run: '1',
      at: '2026-01-01T00:00:00.000Z',
    });
    writeFileSync(forged, JSON.stringify({ format: 1, stacks: { dev: applied('dev'), prod: applied('prod') } }));
    runs.set(11, { path: '.github/workflows/pull-request.yml', head_branch: 'main' });
    upload(11, forged, 'main', 4242); // a fork's pull request from its main branch
    runs.set(12, { path: '.github/workflows/docs.yml', head_branch: 'main' });
    upload(12, forged); // another workflow of main
    runs.set(13, { path: '.github/workflows/deploy.yml', head_branch: 'feature' });
    upload(13, forged, 'feature'); // the deploy workflow dispatched on another branch
    runs.set(14, { path: '.github/workflows/deploy.yml', head_branch: 'main' });
    upload(14, forged);
    artifacts.find((a) => a.workflow_run.id === 14)!.expired = true;

    const first = await deployRun(101, shipped);
    expect(first).toMatchObject({ planned: ['dev', 'prod'], applied: ['dev', 'prod'] });
    expect(first.record.stacks).toEqual({
      dev: expect.objectContaining({ state: 'applied', commit: 'commit-101', run: '101' }),
      prod: expect.objectContaining({ state: 'applied', commit: 'commit-101', run: '101' }),
    });
    expect(first.record.stacks.dev.sha256).toBe(stackDigest(join(first.app, 'stacks', 'dev')));
  });

  it('a push that changes nothing plans and applies nothing', async () => {
    requests = [];
    const second = await deployRun(102, shipped);
    expect(second).toMatchObject({ planned: [], applied: [] });
    // The record of run 101 was found: the newest deploy artifact of main, looked up by its run.
    expect(requests).toEqual([
      'GET /repos/example-org/ssm-federated-access/actions/artifacts?name=deployed-stacks&per_page=100&page=1',
      'GET /repos/example-org/ssm-federated-access/actions/runs/101',
      expect.stringMatching(/^GET \/repos\/example-org\/ssm-federated-access\/actions\/artifacts\/\d+\/zip$/),
      expect.stringMatching(/^GET \/storage\/\d+$/),
    ]);
  });

  it('a push that changes one environment file plans and applies that one stack', async () => {
    const third = await deployRun(103, devEdited);
    expect(third).toMatchObject({ planned: ['dev'], applied: ['dev'] });
    expect(third.record.stacks.dev).toMatchObject({ state: 'applied', run: '103' });
    expect(third.record.stacks.prod).toMatchObject({ state: 'applied', run: '101' });
  });

  it('a push that changes modules/ plans them all; a stack whose apply fails is left started', async () => {
    const fourth = await deployRun(104, modulesChanged, { failApply: ['prod'] });
    expect(fourth).toMatchObject({ planned: ['dev', 'prod'], applied: ['dev', 'prod'] });
    expect(fourth.record.stacks.dev).toMatchObject({ state: 'applied', run: '104' });
    expect(fourth.record.stacks.prod).toMatchObject({ state: 'started', run: '104' });
  });

  it('the next push retries the failed stack and skips the one whose configuration is unchanged', async () => {
    const fifth = await deployRun(105, modulesChanged);
    expect(fifth).toMatchObject({ planned: ['prod'], applied: ['prod'] });
    expect(fifth.record.stacks.prod).toMatchObject({ state: 'applied', run: '105', commit: 'commit-105' });
    expect((await deployRun(106, modulesChanged)).planned).toEqual([]);
  });

  it('a run that never reports back (cancelled after its start) leaves its stacks to the next push, even one that restores the configuration last applied', async () => {
    runs.set(107, { path: '.github/workflows/deploy.yml', head_branch: 'main' });
    process.env.GITHUB_RUN_ID = '107';
    process.env.GITHUB_SHA = 'commit-107';
    // Run 107 (the shipped configuration) starts both stacks; its applies may have run, but nothing reports back.
    const app = synthesizeCommit(shipped);
    const cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-deploy-cancelled-'));
    const record = ['--record', 'deployed/deployed-stacks.json'];
    await cli(cwd, ['deploy-record', '--action', 'fetch', ...record]);
    await cli(cwd, ['changed-stacks', '--deployed', 'deployed/deployed-stacks.json', '--head', app], 'changes.json');
    await cli(cwd, ['environments', '--out', app, '--changed', 'changes.json'], 'matrix.json');
    await cli(cwd, ['deploy-record', '--action', 'start', ...record, '--matrix', 'matrix.json', '--out', app]);
    upload(107, join(cwd, 'deployed/deployed-stacks.json'));
    expect(latestRecord().stacks.dev).toMatchObject({ state: 'started', run: '107' });
    // Run 108 reverts to the configuration run 106 applied: the accounts may hold 107's, so both are planned.
    const next = await deployRun(108, modulesChanged);
    expect(next.planned).toEqual(['dev', 'prod']);
    expect(next.record.stacks.dev).toMatchObject({ state: 'applied', run: '108' });
  });

  it('a manual run with "all" plans every stack whatever the record says', async () => {
    expect((await deployRun(109, modulesChanged)).planned).toEqual([]);
    expect((await deployRun(110, modulesChanged, { all: true })).planned).toEqual(['dev', 'prod']);
  });
});

describe('deploy-record finish', () => {
  const started = (run: string, sha256 = 'a'.repeat(64)) => ({
    sha256,
    state: 'started' as const,
    commit: `commit-${run}`,
    run,
    at: '2026-01-01T00:00:00.000Z',
  });
  const result = (name: string, status: StackResult['status'], sha256 = 'a'.repeat(64)): StackResult => ({
    name,
    accountId: '123456789012',
    status,
    sha256,
    seconds: 1,
  });

  it('marks applied only what this run still holds, with the sha256 it started', () => {
    const record: DeployRecord = {
      format: 1,
      stacks: {
        mine: started('7'),
        later: started('8'),
        other: started('7'),
        failed: started('7'),
        clean: started('7'),
      },
    };
    const { record: next, lines } = finishStacks(
      record,
      [
        result('mine', 'applied'),
        result('later', 'applied'),
        result('other', 'applied', 'b'.repeat(64)),
        result('failed', 'failed'),
        result('clean', 'skipped'),
      ],
      '7',
      '2026-01-02T00:00:00.000Z',
    );
    expect(Object.fromEntries(Object.entries(next.stacks).map(([n, e]) => [n, `${e.state} ${e.run}`]))).toEqual({
      clean: 'applied 7',
      failed: 'started 7',
      later: 'started 8',
      mine: 'applied 7',
      other: 'started 7',
    });
    expect(lines).toEqual([
      'mine: applied, recorded applied',
      'later: applied, but run 8 holds its record now: left as is',
      'other: applied a configuration other than the one started: left started',
      'failed: failed, left started (planned again by the next deploy)',
      'clean: skipped, recorded applied',
    ]);
  });
});

describe('deploy-record and changed-stacks --deployed: what they refuse', () => {
  it('a record that is not one, and --base with --deployed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-deploy-refuse-'));
    writeFileSync(join(cwd, 'bad.json'), '{"format": 1, "stacks": {"dev": {"sha256": "nope", "state": "applied"}}}');
    const run = async (argv: string[]) => {
      let stderr = '';
      const code = await main(argv, { cwd, stdout: () => undefined, stderr: (t) => (stderr += t) });
      return { code, stderr };
    };
    const app = synthesize().outdir;
    expect(await run(['changed-stacks', '--deployed', 'bad.json', '--head', app])).toEqual({
      code: 2,
      stderr: expect.stringContaining('bad.json: not a deploy record (format 1'),
    });
    expect((await run(['changed-stacks', '--deployed', 'bad.json', '--base', app])).stderr).toContain(
      'give one of --base DIR',
    );
    expect((await run(['deploy-record', '--action', 'finish', '--record', 'bad.json'])).code).toBe(2);
    expect((await run(['deploy-record', '--action', 'rollback', '--record', 'x.json'])).stderr).toContain(
      '--action must be fetch, start or finish, got "rollback"',
    );
  });

  it('reads a stored (uncompressed) zip entry as well as a deflated one', () => {
    const stored = Buffer.from(zipSync({ 'a.json': [new TextEncoder().encode('{"x":1}'), { level: 0 }] }));
    expect(zipEntry(stored, 'a.json', 'test').toString()).toBe('{"x":1}');
    expect(() => zipEntry(stored, 'b.json', 'test')).toThrow('test: has no b.json');
    expect(() => zipEntry(Buffer.from('not a zip at all, but long enough'), 'a.json', 'test')).toThrow(
      'not a readable zip archive',
    );
  });
});
