import { MalformedEventError } from '../../../handlers/launch-tagger/errors';
import { eventIdOf, parseRunInstancesEvent } from '../../../handlers/launch-tagger/event';
import { FIXTURES, fixture } from './fixtures';

describe('parseRunInstancesEvent', () => {
  it.each(FIXTURES.filter((name) => !name.startsWith('malformed')))('reads %s', (name) => {
    const event = parseRunInstancesEvent(fixture(name));
    expect(event.detail.eventName).toBe('RunInstances');
    expect(event.id).toBe(fixture(name).id);
  });

  it('keeps what it does not read (loose objects)', () => {
    const event = parseRunInstancesEvent(fixture('run-instances-federated'));
    expect((event.detail as Record<string, unknown>).sourceIPAddress).toBe('198.51.100.23');
  });

  it('rejects an event without instance ids, naming the event and the field', () => {
    expect.assertions(3);
    try {
      parseRunInstancesEvent(fixture('malformed-missing-instance-id'));
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedEventError);
      expect((error as MalformedEventError).eventId).toBe('3a7fa0c9-1c4d-6e8f-9a0b-c1d2e3f4a508');
      expect((error as MalformedEventError).issues).toEqual([
        expect.stringMatching(/^detail\.responseElements\.instancesSet\.items\.0\.instanceId: /),
      ]);
    }
  });

  it('rejects a successful call that lists no instances', () => {
    const event = fixture('run-instances-federated');
    event.detail.responseElements = null;
    expect(() => parseRunInstancesEvent(event)).toThrow(
      'detail.responseElements: a successful RunInstances call must list the launched instances',
    );
  });

  it('accepts a failed call without responseElements', () => {
    expect(parseRunInstancesEvent(fixture('run-instances-failed')).detail.errorCode).toBe(
      'Client.UnauthorizedOperation',
    );
  });

  it.each([
    ['another API call', (e: { detail: { eventName: string } }) => (e.detail.eventName = 'TerminateInstances')],
    ['another source', (e: { source: string }) => (e.source = 'aws.s3')],
    [
      'an instance id that is not one',
      (e: { detail: { responseElements: { instancesSet: { items: { instanceId: string }[] } } } }) =>
        (e.detail.responseElements.instancesSet.items[0].instanceId = 'vol-0123456789abcdef0'),
    ],
  ])('rejects %s', (_label, change) => {
    const event = fixture('run-instances-federated');
    change(event);
    expect(() => parseRunInstancesEvent(event)).toThrow(MalformedEventError);
  });

  it.each([null, 'text', 42, []])('rejects %p with no id to report', (raw) => {
    expect(() => parseRunInstancesEvent(raw)).toThrow('event (no id) is not a CloudTrail RunInstances event');
  });

  it('reports the CloudTrail event id when the EventBridge id is missing', () => {
    expect(eventIdOf({ detail: { eventID: 'ct-1' } })).toBe('ct-1');
    expect(eventIdOf({ id: 'eb-1', detail: { eventID: 'ct-1' } })).toBe('eb-1');
  });
});
