import { MAX_RESOURCES_PER_CREATE_TAGS, batches, decide, decideTagMode } from '../../../handlers/launch-tagger/decide';
import { parseRunInstancesEvent } from '../../../handlers/launch-tagger/event';
import { FEDERATED_ROLE_ID, type FixtureName, config, federatedLaunch, fixture } from './fixtures';

const parse = (name: FixtureName) => parseRunInstancesEvent(fixture(name));

describe('decide', () => {
  it('caller mode: a federated person owns what they launch (their principal id is their aws:userid)', () => {
    expect(decide(parse('run-instances-federated'), config)).toEqual({
      kind: 'tag',
      mode: 'caller',
      targets: [{ owner: `${FEDERATED_ROLE_ID}:alice@example.com`, instanceIds: ['i-0a1b2c3d4e5f60001'] }],
      spoofed: [],
      unowned: [],
    });
  });

  it('tags every instance of a multi-instance launch, in one target', () => {
    expect(decide(parse('run-instances-multi'), config)).toMatchObject({
      kind: 'tag',
      targets: [
        {
          owner: `${FEDERATED_ROLE_ID}:dave@example.com`,
          instanceIds: ['i-0d1e2f3a4b5c60004', 'i-0d1e2f3a4b5c60005', 'i-0d1e2f3a4b5c60006'],
        },
      ],
    });
  });

  it('tag mode: a launcher launch belongs to <federated role id>:<CreatedBy>, read from the event', () => {
    expect(decide(parse('run-instances-launcher-created-by'), config)).toEqual({
      kind: 'tag',
      mode: 'tag',
      targets: [{ owner: `${FEDERATED_ROLE_ID}:bob`, instanceIds: ['i-0b1c2d3e4f5a60002'] }],
      spoofed: [],
      unowned: [],
    });
  });

  it('tag mode reads CreatedBy from the request when the response shows no tags', () => {
    const event = fixture('run-instances-launcher-created-by');
    event.detail.responseElements.instancesSet.items[0].tagSet = {};
    expect(decide(parseRunInstancesEvent(event), config)).toMatchObject({
      kind: 'tag',
      targets: [{ owner: `${FEDERATED_ROLE_ID}:bob` }],
    });
  });

  it('tag mode without CreatedBy in the event: look the instances up', () => {
    expect(decide(parse('run-instances-launcher-without-created-by'), config)).toEqual({
      kind: 'lookup',
      instanceIds: ['i-0c1d2e3f4a5b60003'],
      known: new Map([['i-0c1d2e3f4a5b60003', undefined]]),
    });
  });

  it('overwrites a spoofed AwsUserId and reports it', () => {
    expect(decide(parse('run-instances-spoofed-owner'), config)).toMatchObject({
      kind: 'tag',
      mode: 'tag',
      targets: [{ owner: `${FEDERATED_ROLE_ID}:carol`, instanceIds: ['i-0f1a2b3c4d5e60008'] }],
      spoofed: [
        {
          instanceId: 'i-0f1a2b3c4d5e60008',
          value: `${FEDERATED_ROLE_ID}:mallory@example.com`,
          replacedBy: `${FEDERATED_ROLE_ID}:carol`,
        },
      ],
    });
  });

  it('does not call an AwsUserId equal to the decided owner spoofed', () => {
    const event = fixture('run-instances-federated');
    event.detail.requestParameters.tagSpecificationSet.items[0].tags.push({
      key: 'AwsUserId',
      value: `${FEDERATED_ROLE_ID}:alice@example.com`,
    });
    expect(decide(parseRunInstancesEvent(event), config)).toMatchObject({ kind: 'tag', spoofed: [] });
  });

  it('skips a failed call', () => {
    expect(decide(parse('run-instances-failed'), config)).toEqual({
      kind: 'skip',
      reason: 'failed-call',
      instanceIds: [],
    });
  });

  it('skips a caller that is neither the federated role nor a launcher', () => {
    expect(decide(parse('run-instances-unrelated-caller'), config)).toEqual({
      kind: 'skip',
      reason: 'caller-not-configured',
      instanceIds: ['i-0e1f2a3b4c5d60007'],
    });
  });

  it('skips a launcher that is not configured (caller mode only)', () => {
    const callerModeOnly = { ...config, launcherRoleNames: new Set<string>() };
    expect(decide(parse('run-instances-launcher-created-by'), callerModeOnly)).toMatchObject({
      kind: 'skip',
      reason: 'caller-not-configured',
    });
  });

  it('skips an IAM user, even one named like the federated role', () => {
    const event = fixture('run-instances-federated');
    event.detail.userIdentity = {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSER00001',
      arn: 'arn:aws:iam::111111111111:user/SsmFederatedShell',
      userName: 'SsmFederatedShell',
    };
    expect(decide(parseRunInstancesEvent(event), config)).toMatchObject({
      kind: 'skip',
      reason: 'caller-not-configured',
    });
  });
});

describe('decideTagMode (after a lookup)', () => {
  const event = () => parseRunInstancesEvent(federatedLaunch(3));
  const ids = ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003'];

  it('groups instances by owner: one target per CreatedBy', () => {
    const decision = decideTagMode(
      event(),
      FEDERATED_ROLE_ID,
      new Map([
        [ids[0], 'ann'],
        [ids[1], 'ben'],
        [ids[2], 'ann'],
      ]),
    );
    expect(decision).toMatchObject({
      kind: 'tag',
      targets: [
        { owner: `${FEDERATED_ROLE_ID}:ann`, instanceIds: [ids[0], ids[2]] },
        { owner: `${FEDERATED_ROLE_ID}:ben`, instanceIds: [ids[1]] },
      ],
      unowned: [],
    });
  });

  it('reports instances left without an owner', () => {
    const decision = decideTagMode(
      event(),
      FEDERATED_ROLE_ID,
      new Map([
        [ids[0], 'ann'],
        [ids[1], undefined],
        [ids[2], 'no spaces allowed'],
      ]),
    );
    expect(decision).toMatchObject({
      kind: 'tag',
      targets: [{ owner: `${FEDERATED_ROLE_ID}:ann`, instanceIds: [ids[0]] }],
      unowned: [
        { instanceId: ids[1], reason: 'created-by-missing' },
        { instanceId: ids[2], reason: 'created-by-invalid' },
      ],
    });
  });

  it('skips when no instance has a usable CreatedBy', () => {
    expect(decideTagMode(event(), FEDERATED_ROLE_ID, new Map())).toMatchObject({
      kind: 'skip',
      reason: 'created-by-missing',
    });
    expect(decideTagMode(event(), FEDERATED_ROLE_ID, new Map(ids.map((id) => [id, 'x'])))).toMatchObject({
      kind: 'skip',
      reason: 'created-by-invalid',
    });
  });
});

describe('batches', () => {
  it('splits at the CreateTags limit of 1,000 resources', () => {
    const items = Array.from({ length: 2500 }, (_, i) => i);
    expect(batches(items).map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(MAX_RESOURCES_PER_CREATE_TAGS).toBe(1000);
    expect(batches([])).toEqual([]);
  });
});
