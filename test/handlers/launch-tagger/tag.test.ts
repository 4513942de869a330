import { CreateTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { lookUpCreatedBy, tagOwners } from '../../../handlers/launch-tagger/tag';
import { instanceIds } from './fixtures';

// The SDK warns once per process that it will need Node 22; the deployed runtime is nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });
const notFound = () =>
  Object.assign(new Error('The instance ID does not exist'), { name: 'InvalidInstanceID.NotFound' });
const noSleep = { sleep: async () => undefined };

function described(tags: Record<string, Record<string, string>>) {
  return {
    Reservations: [
      {
        Instances: Object.entries(tags).map(([InstanceId, t]) => ({
          InstanceId,
          Tags: Object.entries(t).map(([Key, Value]) => ({ Key, Value })),
        })),
      },
    ],
  };
}

beforeEach(() => ec2Mock.reset());

describe('tagOwners', () => {
  it('sets only AwsUserId, on every instance, in one call', async () => {
    ec2Mock.on(CreateTagsCommand).resolves({});
    const ids = instanceIds(3);
    await expect(tagOwners(ec2, [{ owner: 'AROA1:alice', instanceIds: ids }])).resolves.toBe(1);
    expect(ec2Mock.commandCalls(CreateTagsCommand).map((c) => c.args[0].input)).toEqual([
      { Resources: ids, Tags: [{ Key: 'AwsUserId', Value: 'AROA1:alice' }] },
    ]);
  });

  it('makes one call per 1,000 instances', async () => {
    ec2Mock.on(CreateTagsCommand).resolves({});
    await expect(tagOwners(ec2, [{ owner: 'AROA1:alice', instanceIds: instanceIds(2001) }])).resolves.toBe(3);
    expect(ec2Mock.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources!.length)).toEqual([
      1000, 1000, 1,
    ]);
  });

  it('lets an EC2 error through (the event is retried, then dead-lettered)', async () => {
    ec2Mock.on(CreateTagsCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    await expect(tagOwners(ec2, [{ owner: 'AROA1:alice', instanceIds: instanceIds(1) }])).rejects.toThrow('denied');
  });
});

describe('lookUpCreatedBy', () => {
  const [id] = instanceIds(1);

  it('reads CreatedBy with one DescribeInstances call', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(described({ [id]: { CreatedBy: 'carol', Name: 'x' } }));
    const result = await lookUpCreatedBy(ec2, [id], noSleep);
    expect(result).toEqual({ createdBy: new Map([[id, 'carol']]), calls: 1 });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0].args[0].input).toEqual({ InstanceIds: [id] });
  });

  it('retries while the instance is not visible yet (eventual consistency)', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejectsOnce(notFound())
      .resolves(described({ [id]: { CreatedBy: 'carol' } }));
    const waits: number[] = [];
    const result = await lookUpCreatedBy(ec2, [id], { sleep: async (ms) => void waits.push(ms) });
    expect(result.createdBy.get(id)).toBe('carol');
    expect(result.calls).toBe(2);
    expect(waits).toEqual([250]);
  });

  it('retries while a launcher has not tagged yet, then gives up briefly', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves(described({ [id]: { Name: 'x' } }));
    const waits: number[] = [];
    const result = await lookUpCreatedBy(ec2, [id], { sleep: async (ms) => void waits.push(ms) });
    expect(result).toEqual({ createdBy: new Map([[id, undefined]]), calls: 4 });
    expect(waits).toEqual([250, 500, 1000]);
  });

  it('asks again only for the instances still without CreatedBy', async () => {
    const [a, b] = instanceIds(2);
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(described({ [a]: { CreatedBy: 'ann' }, [b]: {} }))
      .resolves(described({ [b]: { CreatedBy: 'ben' } }));
    const result = await lookUpCreatedBy(ec2, [a, b], noSleep);
    expect(result.createdBy).toEqual(
      new Map([
        [a, 'ann'],
        [b, 'ben'],
      ]),
    );
    expect(ec2Mock.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.InstanceIds)).toEqual([
      [a, b],
      [b],
    ]);
  });

  it('lets any other error through', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    await expect(lookUpCreatedBy(ec2, [id], noSleep)).rejects.toThrow('denied');
  });
});
