import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { FakeEc2, type FakeEc2Options } from '../../support/fake-ec2';
import {
  FEDERATED_ROLE_ID,
  type FixtureName,
  PERMISSION_SET_ROLE_ID,
  PERMISSION_SET_ROLE_NAME,
  PERMISSION_SET_ROLE_PATH,
  federatedLaunch,
  fixture,
  identityCenterTaggerEnvironment,
  taggerEnvironment,
} from './fixtures';

/**
 * The deployment package, run for real: index.mjs taken out of dist/launch-tagger/launch-tagger.zip,
 * imported by a fresh Node process with the real, bundled SDK, talking the EC2 Query protocol to
 * a local endpoint on 127.0.0.1 that also throttles (RequestLimitExceeded) on demand.
 */

const ROOT = join(__dirname, '..', '..', '..');
const ZIP = join(ROOT, 'dist', 'launch-tagger', 'launch-tagger.zip');
const RUNNER = join(__dirname, 'run-bundle.mjs');
let bundle: string;

beforeAll(() => {
  if (!existsSync(ZIP))
    throw new Error(`${ZIP} is missing: run \`npm run build\` first (it bundles the launch tagger)`);
  const files = unzipSync(readFileSync(ZIP));
  expect(Object.keys(files)).toEqual(['index.mjs']);
  bundle = join(mkdtempSync(join(tmpdir(), 'ssm-fa-tagger-')), 'index.mjs');
  writeFileSync(bundle, files['index.mjs']);
});

interface BundleRun {
  readonly results: (
    | { ok: true; outcome: { result: string; awsCalls: number } }
    | { ok: false; error: { name: string; message: string } }
  )[];
  readonly logs: { level: string; message: string; eventId?: string | null }[];
  readonly fake: FakeEc2;
}

async function runBundle(
  events: unknown[],
  fakeOptions: FakeEc2Options = {},
  env: Record<string, string> = {},
  base: Record<string, string> = taggerEnvironment,
): Promise<BundleRun> {
  const fake = new FakeEc2(fakeOptions);
  const endpoint = await fake.start();
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-tagger-run-'));
  writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
  try {
    const child = spawn(process.execPath, [RUNNER, bundle, join(dir, 'events.json'), join(dir, 'results.json'), '4'], {
      env: {
        PATH: process.env.PATH,
        ...base,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIAOFFLINETEST00001',
        AWS_SECRET_ACCESS_KEY: 'offline-test-secret',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // Only the tests point the SDK elsewhere; the deployed function sets no endpoint.
        AWS_ENDPOINT_URL_EC2: endpoint,
        AWS_ENDPOINT_URL_IAM: endpoint,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the bundled handler's process failed (${code}):\n${stderr}`);
    const { results } = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    // Powertools writes INFO to stdout, WARN and ERROR to stderr.
    const logs = `${stdout}\n${stderr}`
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    return { results, logs, fake };
  } finally {
    await fake.stop();
  }
}

describe('the bundled handler against a local EC2 Query endpoint', () => {
  it('caller mode: one signed CreateTags call carrying exactly the owner tag', async () => {
    const { results, fake } = await runBundle([fixture('run-instances-multi')]);
    expect(results).toEqual([{ ok: true, outcome: expect.objectContaining({ result: 'tagged', awsCalls: 1 }) }]);
    expect(fake.requests).toEqual([
      {
        action: 'CreateTags',
        answer: '200',
        params: {
          Action: 'CreateTags',
          Version: '2016-11-15',
          'ResourceId.1': 'i-0d1e2f3a4b5c60004',
          'ResourceId.2': 'i-0d1e2f3a4b5c60005',
          'ResourceId.3': 'i-0d1e2f3a4b5c60006',
          'Tag.1.Key': 'AwsUserId',
          'Tag.1.Value': `${FEDERATED_ROLE_ID}:dave@example.com`,
        },
      },
    ]);
  });

  it('tag mode: reads CreatedBy with DescribeInstances (retrying NotFound), then tags', async () => {
    const { results, fake } = await runBundle([fixture('run-instances-launcher-without-created-by')], {
      instances: { 'i-0c1d2e3f4a5b60003': { Name: 'carol-workspace', CreatedBy: 'carol' } },
      invisibleForDescribes: 1,
    });
    expect(results).toEqual([{ ok: true, outcome: expect.objectContaining({ result: 'tagged', mode: 'tag' }) }]);
    expect(fake.requests.map((r) => `${r.action} ${r.answer}`)).toEqual([
      'DescribeInstances InvalidInstanceID.NotFound',
      'DescribeInstances 200',
      'CreateTags 200',
    ]);
    expect(fake.tags.get('i-0c1d2e3f4a5b60003')?.get('AwsUserId')).toBe(`${FEDERATED_ROLE_ID}:carol`);
  });

  it('reads a CreatedBy the launcher adds shortly after the launch', async () => {
    const { fake } = await runBundle([fixture('run-instances-launcher-without-created-by')], {
      instances: { 'i-0c1d2e3f4a5b60003': { Name: 'carol-workspace' } },
      lateTags: { 'i-0c1d2e3f4a5b60003': { CreatedBy: 'carol' } },
      lateTagsAfterDescribes: 1,
    });
    expect(fake.tags.get('i-0c1d2e3f4a5b60003')?.get('AwsUserId')).toBe(`${FEDERATED_ROLE_ID}:carol`);
  });

  it('rides out throttling with the SDK retries: every instance tagged, RequestLimitExceeded seen', async () => {
    const events = Array.from({ length: 8 }, (_, i) => federatedLaunch(2, `burst-${i}`, i * 2));
    const { results, fake } = await runBundle(events, { throttleRate: 0.25, seed: 7 });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fake.counts()['CreateTags RequestLimitExceeded']).toBeGreaterThan(0);
    expect(fake.counts()['CreateTags 200']).toBe(8);
    expect(fake.tags.size).toBe(16);
    for (const tags of fake.tags.values()) expect(tags.get('AwsUserId')).toBe(`${FEDERATED_ROLE_ID}:alice@example.com`);
  });

  it('fails the event when throttling outlasts the retries, so Lambda retries it and then dead-letters it', async () => {
    const { results, fake, logs } = await runBundle(
      [fixture('run-instances-federated')],
      { throttleRate: 1 },
      { EC2_MAX_ATTEMPTS: '2' },
    );
    expect(results).toEqual([{ ok: false, error: expect.objectContaining({ name: 'RequestLimitExceeded' }) }]);
    expect(fake.counts()).toEqual({ 'CreateTags RequestLimitExceeded': 2 });
    expect(logs).toEqual([expect.objectContaining({ level: 'ERROR', message: 'Failed to tag a launch' })]);
  });

  it('rejects a malformed event with its id in the log, making no call', async () => {
    const { results, fake, logs } = await runBundle([fixture('malformed-missing-instance-id')]);
    expect(results).toEqual([{ ok: false, error: expect.objectContaining({ name: 'MalformedEventError' }) }]);
    expect(fake.requests).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Rejected a malformed event',
        eventId: '3a7fa0c9-1c4d-6e8f-9a0b-c1d2e3f4a508',
      }),
    ]);
  });

  it('writes one structured log line per event, and calls AWS once when the tags are in the event', async () => {
    const names: FixtureName[] = [
      'run-instances-federated',
      'run-instances-launcher-created-by',
      'run-instances-spoofed-owner',
      'run-instances-failed',
      'run-instances-unrelated-caller',
    ];
    const { results, logs, fake } = await runBundle(names.map(fixture));
    expect(logs.map((l) => [l.eventId, l.level, l.message])).toEqual(
      expect.arrayContaining([
        [fixture('run-instances-federated').id, 'INFO', 'Tagged a launch'],
        [fixture('run-instances-launcher-created-by').id, 'INFO', 'Tagged a launch'],
        [fixture('run-instances-spoofed-owner').id, 'WARN', 'Overwrote a spoofed owner tag'],
        [fixture('run-instances-failed').id, 'INFO', 'Skipped a launch'],
        [fixture('run-instances-unrelated-caller').id, 'INFO', 'Skipped a launch'],
      ]),
    );
    expect(logs).toHaveLength(names.length);
    expect(results.map((r) => r.ok && r.outcome.awsCalls)).toEqual([1, 1, 1, 0, 0]);
    expect(fake.counts()).toEqual({ 'CreateTags 200': 3 });
    expect(fake.tags.get('i-0f1a2b3c4d5e60008')?.get('AwsUserId')).toBe(`${FEDERATED_ROLE_ID}:carol`);
  });
});

describe('the bundled handler in an Identity Center environment (with IAM ListRoles on the same endpoint)', () => {
  const roles = [
    {
      path: PERMISSION_SET_ROLE_PATH,
      roleName: 'AWSReservedSSO_AdministratorAccess_fedcba9876543210',
      roleId: 'AROA3EXAMPLEADMIN0001',
    },
    { path: PERMISSION_SET_ROLE_PATH, roleName: PERMISSION_SET_ROLE_NAME, roleId: PERMISSION_SET_ROLE_ID },
    { path: '/', roleName: 'ServiceWorkbenchLauncher', roleId: 'AROA2EXAMPLELAUNCHER1' },
  ];
  const run = (events: unknown[], options: FakeEc2Options) =>
    runBundle(events, options, {}, identityCenterTaggerEnvironment);

  it('caller mode: tags with the permission set session, no IAM call', async () => {
    const { results, fake } = await run([fixture('run-instances-identity-center')], { roles });
    expect(results).toEqual([{ ok: true, outcome: expect.objectContaining({ result: 'tagged', mode: 'caller' }) }]);
    expect(fake.counts()).toEqual({ 'CreateTags 200': 1 });
    expect(fake.tags.get('i-0e1f2a3b4c5d60011')?.get('AwsUserId')).toBe(`${PERMISSION_SET_ROLE_ID}:alice@example.com`);
  });

  it('tag mode: one ListRoles per execution environment (paged), then the owner <role id>:<CreatedBy>', async () => {
    const second = fixture('run-instances-identity-center-launcher-created-by');
    second.id = 'second-launch';
    const { results, fake } = await run([fixture('run-instances-identity-center-launcher-created-by'), second], {
      roles,
      listRolesPageSize: 1,
    });
    expect(results.map((r) => r.ok && r.outcome.result)).toEqual(['tagged', 'tagged']);
    // Two pages for the first event (the role is the second under the path), none for the second.
    expect(fake.counts()).toEqual({ 'ListRoles 200': 2, 'CreateTags 200': 2 });
    expect(fake.requests.filter((r) => r.action === 'ListRoles')[0].params).toMatchObject({
      PathPrefix: '/aws-reserved/sso.amazonaws.com/',
    });
    expect(fake.tags.get('i-0e1f2a3b4c5d60013')?.get('AwsUserId')).toBe(`${PERMISSION_SET_ROLE_ID}:bob@example.com`);
  });

  it('permission set not provisioned: a warning and a named error (retries, then the dead-letter queue), no tag', async () => {
    const { results, fake, logs } = await run([fixture('run-instances-identity-center-launcher-created-by')], {
      roles: roles.filter((r) => r.roleName !== PERMISSION_SET_ROLE_NAME),
    });
    expect(results).toEqual([
      { ok: false, error: expect.objectContaining({ name: 'PermissionSetNotProvisionedError' }) },
    ]);
    expect(fake.counts()).toEqual({ 'ListRoles 200': 1 });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'Deferred a launch',
        reason: 'permission-set-not-provisioned',
      }),
    ]);
  });
});
