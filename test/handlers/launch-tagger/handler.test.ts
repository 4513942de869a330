import { CreateTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { MalformedEventError } from '../../../handlers/launch-tagger/errors';
import { type DecisionLogger, handleEvent } from '../../../handlers/launch-tagger/handle';
import { FEDERATED_ROLE_ID, type FixtureName, config, federatedLaunch, fixture, taggerEnvironment } from './fixtures';

// The SDK warns once per process that it will need Node 22; the deployed runtime is nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  data: Record<string, unknown>;
}

function recordingLogger(): DecisionLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, data: Record<string, unknown>) =>
    void lines.push({ level, message, data });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

async function run(event: unknown) {
  const logger = recordingLogger();
  const outcome = await handleEvent(event, { config, ec2, logger, lookup: { sleep: async () => undefined } });
  return { outcome, lines: logger.lines };
}

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock.on(CreateTagsCommand).resolves({});
});

describe('handleEvent: one decision, one log line, per event', () => {
  it.each<[FixtureName, LogLine['level'], string, number]>([
    ['run-instances-federated', 'info', 'Tagged a launch', 1],
    ['run-instances-multi', 'info', 'Tagged a launch', 1],
    ['run-instances-launcher-created-by', 'info', 'Tagged a launch', 1],
    ['run-instances-spoofed-owner', 'warn', 'Overwrote a spoofed owner tag', 1],
    ['run-instances-failed', 'info', 'Skipped a launch', 0],
    ['run-instances-unrelated-caller', 'info', 'Skipped a launch', 0],
  ])('%s: %s "%s", %d AWS call(s)', async (name, level, message, calls) => {
    const { outcome, lines } = await run(fixture(name));
    expect(lines).toEqual([{ level, message, data: expect.objectContaining({ eventId: fixture(name).id }) }]);
    expect(outcome.awsCalls).toBe(calls);
    expect(ec2Mock.calls()).toHaveLength(calls);
  });

  it('caller mode writes the caller principal id on every instance, in one CreateTags call', async () => {
    await run(fixture('run-instances-multi'));
    expect(ec2Mock.commandCalls(CreateTagsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Resources: ['i-0d1e2f3a4b5c60004', 'i-0d1e2f3a4b5c60005', 'i-0d1e2f3a4b5c60006'],
        Tags: [{ Key: 'AwsUserId', Value: `${FEDERATED_ROLE_ID}:dave@example.com` }],
      },
    ]);
  });

  it('tag mode without CreatedBy in the event: DescribeInstances, then CreateTags', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [{ InstanceId: 'i-0c1d2e3f4a5b60003', Tags: [{ Key: 'CreatedBy', Value: 'carol' }] }] },
      ],
    });
    const { outcome, lines } = await run(fixture('run-instances-launcher-without-created-by'));
    expect(outcome).toMatchObject({ result: 'tagged', mode: 'tag', awsCalls: 2 });
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0].args[0].input.Tags).toEqual([
      { Key: 'AwsUserId', Value: `${FEDERATED_ROLE_ID}:carol` },
    ]);
    expect(lines.map((l) => l.message)).toEqual(['Tagged a launch']);
  });

  it('a launcher launch that never gets CreatedBy: nothing tagged, one warning saying why', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-0c1d2e3f4a5b60003' }] }] });
    const { outcome, lines } = await run(fixture('run-instances-launcher-without-created-by'));
    expect(outcome).toMatchObject({ result: 'skipped', reason: 'created-by-missing', awsCalls: 4 });
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(0);
    expect(lines).toEqual([
      { level: 'warn', message: 'Skipped a launch', data: expect.objectContaining({ reason: 'created-by-missing' }) },
    ]);
  });

  it('logs what it overwrote when the owner tag was spoofed at launch', async () => {
    const { lines } = await run(fixture('run-instances-spoofed-owner'));
    expect(lines[0].data.spoofed).toEqual([
      {
        instanceId: 'i-0f1a2b3c4d5e60008',
        value: `${FEDERATED_ROLE_ID}:mallory@example.com`,
        replacedBy: `${FEDERATED_ROLE_ID}:carol`,
      },
    ]);
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0].args[0].input.Tags).toEqual([
      { Key: 'AwsUserId', Value: `${FEDERATED_ROLE_ID}:carol` },
    ]);
  });

  it('tags a 2,500-instance launch in three calls', async () => {
    const { outcome } = await run(federatedLaunch(2500));
    expect(outcome.awsCalls).toBe(3);
    expect(ec2Mock.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources!.length)).toEqual([
      1000, 1000, 500,
    ]);
  });

  it('rejects a malformed event: logged with its id, then thrown (retries, then the dead-letter queue)', async () => {
    const logger = recordingLogger();
    await expect(handleEvent(fixture('malformed-missing-instance-id'), { config, ec2, logger })).rejects.toBeInstanceOf(
      MalformedEventError,
    );
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'Rejected a malformed event',
        data: { eventId: '3a7fa0c9-1c4d-6e8f-9a0b-c1d2e3f4a508', issues: [expect.stringContaining('instanceId')] },
      },
    ]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('a failed CreateTags is logged and thrown, never swallowed', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' });
    ec2Mock.on(CreateTagsCommand).rejects(denied);
    const logger = recordingLogger();
    await expect(handleEvent(fixture('run-instances-federated'), { config, ec2, logger })).rejects.toBe(denied);
    expect(logger.lines).toEqual([
      { level: 'error', message: 'Failed to tag a launch', data: expect.objectContaining({ error: denied }) },
    ]);
  });
});

describe('the Lambda entry point (index.ts)', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('reads its config at load, writes one JSON log line and tags through the module-scope client', async () => {
    Object.assign(process.env, taggerEnvironment, { AWS_REGION: 'eu-west-1', POWERTOOLS_DEV: 'false' });
    const { handler } = await import('../../../handlers/launch-tagger/index');
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => Boolean(written.push(String(chunk))));
    try {
      await expect(handler(fixture('run-instances-federated'))).resolves.toMatchObject({ result: 'tagged' });
    } finally {
      spy.mockRestore();
    }
    const lines = written
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'Tagged a launch', service: 'launch-tagger', mode: 'caller' }),
    ]);
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(1);
  });
});
