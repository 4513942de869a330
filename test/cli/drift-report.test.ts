import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackResult } from '../../cli/commands/run-shard';
import { main } from '../../cli/main';

/**
 * drift-report against a fake GitHub REST API on 127.0.0.1: it opens the one drift issue, rewrites
 * it while drift remains, closes it when everything is clean, and otherwise does nothing.
 */
interface Call {
  method: string;
  url: string;
  auth?: string;
  body?: { title?: string; body?: string; labels?: string[]; state?: string; state_reason?: string };
}

let server: Server;
let calls: Call[];
let openIssues: { number: number; title: string; body: string; pull_request?: object }[];

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    calls.push({
      method: req.method!,
      url: req.url!,
      auth: req.headers.authorization,
      ...(text ? { body: JSON.parse(text) } : {}),
    });
    res.setHeader('Content-Type', 'application/json');
    if (req.method === 'GET') res.end(JSON.stringify(openIssues));
    else if (req.method === 'POST') {
      res.statusCode = 201;
      res.end(JSON.stringify({ number: 42 }));
    } else res.end(JSON.stringify({ number: Number(req.url!.split('/').pop()) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  process.env.GITHUB_API_URL = `http://127.0.0.1:${port}/`;
  process.env.GITHUB_TOKEN = 'test-token';
  process.env.GITHUB_REPOSITORY = 'example-org/ssm-federated-access';
  delete process.env.GITHUB_RUN_ID;
});
afterAll(() => {
  server.close();
  delete process.env.GITHUB_API_URL;
  delete process.env.GITHUB_TOKEN;
  delete process.env.GITHUB_REPOSITORY;
});
beforeEach(() => {
  calls = [];
  openIssues = [];
});

const result = (name: string, status: StackResult['status'], error?: string): StackResult => ({
  name,
  accountId: '123456789012',
  status,
  seconds: 1,
  ...(error ? { error } : {}),
});

/** A drift check's output folder: results of two shards, and the plan of each drifted stack. */
function driftDir(results: StackResult[][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-drift-'));
  mkdirSync(join(dir, 'plans'));
  results.forEach((r, i) => writeFileSync(join(dir, `results-${i}.json`), JSON.stringify(r)));
  const change = (address: string, type: string, actions: string[], before: object | null, after: object | null) => ({
    address,
    mode: 'managed',
    type,
    name: address.split('.')[1],
    change: { actions, before, after },
  });
  writeFileSync(
    join(dir, 'plans', 'payments-prod.json'),
    JSON.stringify({
      format_version: '1.2',
      resource_changes: [
        change(
          'aws_iam_role.federated',
          'aws_iam_role',
          ['update'],
          { max_session_duration: 3600, name: 'r' },
          { max_session_duration: 14400, name: 'r' },
        ),
        change(
          'aws_ssm_document.preferences',
          'aws_ssm_document',
          ['update'],
          { content: '{"a":true}' },
          { content: '{"a":"true"}' },
        ),
        change('aws_kms_key.sessions', 'aws_kms_key', ['no-op'], {}, {}),
        change('aws_sqs_queue.dlq', 'aws_sqs_queue', ['update'], { delay_seconds: 0 }, { delay_seconds: 5 }),
        change('aws_s3_bucket_policy.transcripts', 'aws_s3_bucket_policy', ['create'], null, { policy: '{}' }),
      ],
    }),
  );
  return dir;
}

async function report(dir: string, extra: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await main(['drift-report', '--dir', dir, ...extra], {
    cwd: dir,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

const drifted = [
  [result('dev', 'no changes'), result('payments-prod', 'drifted')],
  [result('sandbox', 'failed', 'terraform plan exited with 1:\nError: AccessDenied')],
];
const clean = [[result('dev', 'no changes'), result('payments-prod', 'no changes')]];

describe('drift-report', () => {
  it('open: drift and no issue yet -> one POST with the label, naming each access-relevant change', async () => {
    const { code, stdout } = await report(driftDir(drifted));
    expect(code).toBe(0);
    expect(stdout).toBe('drift: opened issue #42\n');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /repos/example-org/ssm-federated-access/issues?state=open&labels=drift&per_page=100',
      'POST /repos/example-org/ssm-federated-access/issues',
    ]);
    expect(calls[1].auth).toBe('Bearer test-token');
    const body = calls[1].body!;
    expect(body.labels).toEqual(['drift']);
    expect(body.title).toBe('Drift: deployed access settings differ from the configuration');
    expect(body.body).toContain('### payments-prod (account 123456789012)');
    expect(body.body).toContain('- `aws_iam_role.federated` (update): `max_session_duration`');
    expect(body.body).toContain('- `aws_ssm_document.preferences` (update): `content`');
    expect(body.body).toContain('- `aws_s3_bucket_policy.transcripts` (create)');
    expect(body.body).toContain('- and 1 other resource change');
    expect(body.body).not.toContain('aws_kms_key.sessions');
    expect(body.body).not.toContain('### dev');
    expect(body.body).toContain('### sandbox (account 123456789012)\n\nCould not be checked: the plan failed.');
  });

  it('update: drift and an open issue -> PATCH of its body only', async () => {
    openIssues = [
      { number: 7, title: 'some pull request', body: '', pull_request: {} },
      { number: 9, title: 'Drift: deployed access settings differ from the configuration', body: 'older findings' },
    ];
    const { stdout } = await report(driftDir(drifted));
    expect(stdout).toBe('drift: updated issue #9\n');
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /repos/example-org/ssm-federated-access/issues?state=open&labels=drift&per_page=100',
      'PATCH /repos/example-org/ssm-federated-access/issues/9',
    ]);
    expect(Object.keys(calls[1].body!)).toEqual(['body']);
    expect(calls[1].body!.body).toContain('aws_iam_role.federated');
  });

  it('close: everything clean and an open issue -> PATCH state closed', async () => {
    openIssues = [{ number: 9, title: 'Drift: deployed access settings differ from the configuration', body: 'x' }];
    const { stdout } = await report(driftDir(clean));
    expect(stdout).toBe('no drift: closed issue #9\n');
    expect(calls[1]).toMatchObject({
      method: 'PATCH',
      url: '/repos/example-org/ssm-federated-access/issues/9',
      body: { state: 'closed', state_reason: 'completed' },
    });
  });

  it('a partial check never closes the issue: a stack of the matrix without a result is not checked', async () => {
    openIssues = [{ number: 9, title: 'Drift: deployed access settings differ from the configuration', body: 'x' }];
    const dir = driftDir(clean);
    writeFileSync(
      join(dir, 'matrix.json'),
      JSON.stringify([
        { shard: 3, environment: 'dev', stacks: ['dev'] },
        { shard: 9, environment: 'shard-009', stacks: ['payments-prod', 'lost'] },
      ]),
    );
    const { stdout } = await report(dir, ['--matrix', join(dir, 'matrix.json')]);
    expect(stdout).toBe('drift: updated issue #9\n');
    expect(calls[1].body!.body).toContain('### lost\n\nNot checked: the drift job of its shard did not report.');
    expect(calls[1].body!.body).not.toContain('### dev');
  });

  it('nothing to do: everything clean and no issue -> only the look-up', async () => {
    const { stdout } = await report(driftDir(clean));
    expect(stdout).toBe('no drift, no open drift issue: nothing to do\n');
    expect(calls.map((c) => c.method)).toEqual(['GET']);
  });

  it('no results is an error, not "clean"; without a token nothing is called', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ssm-fa-drift-empty-'));
    const none = await report(empty);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no results-*.json');
    expect(calls).toEqual([]);
    process.env.GITHUB_TOKEN = '';
    try {
      const noToken = await report(driftDir(clean));
      expect(noToken.stderr).toContain('GITHUB_TOKEN is not set');
    } finally {
      process.env.GITHUB_TOKEN = 'test-token';
    }
  });
});
