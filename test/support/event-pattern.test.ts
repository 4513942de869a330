import { type EventPattern, matchesPattern, matchesPatterns } from './event-pattern';

const event = {
  source: 'aws.ec2',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventName: 'RunInstances', userAgent: 'aws-cli/2.27', tags: ['a', 'b'], count: 3, flag: null },
};

const matching: [string, EventPattern][] = [
  ['exact values', { source: ['aws.ec2'] }],
  ['one of several values', { source: ['aws.s3', 'aws.ec2'] }],
  ['nested fields', { detail: { eventName: ['RunInstances'] } }],
  ['numbers and null', { detail: { count: [3], flag: [null] } }],
  ['any element of an array', { detail: { tags: ['b'] } }],
  ['exists: false on an absent field', { detail: { errorCode: [{ exists: false }] } }],
  ['exists: true on a present field', { detail: { eventName: [{ exists: true }] } }],
  ['prefix', { detail: { userAgent: [{ prefix: 'aws-cli/' }] } }],
  ['anything-but a value', { detail: { eventName: [{ 'anything-but': 'TerminateInstances' }] } }],
  ['anything-but a list', { detail: { eventName: [{ 'anything-but': ['StopInstances', 'StartInstances'] }] } }],
  ['anything-but a prefix', { detail: { userAgent: [{ 'anything-but': { prefix: 'console' } }] } }],
];
const notMatching: [string, EventPattern][] = [
  ['another value', { source: ['aws.s3'] }],
  ['a missing field', { detail: { errorCode: ['Client.UnauthorizedOperation'] } }],
  ['a missing object', { other: { eventName: ['RunInstances'] } }],
  ['exists: false on a present field', { detail: { eventName: [{ exists: false }] } }],
  ['exists: true on an absent field', { detail: { errorCode: [{ exists: true }] } }],
  ['another prefix', { detail: { userAgent: [{ prefix: 'console' }] } }],
  ['anything-but the value itself', { detail: { eventName: [{ 'anything-but': 'RunInstances' }] } }],
  ['a value of another type', { detail: { count: ['3'] } }],
  ['one field of several', { source: ['aws.ec2'], detail: { eventName: ['StopInstances'] } }],
];

describe('matchesPattern (test support)', () => {
  // One run of the matcher for every case.
  const results = matchesPatterns([...matching, ...notMatching].map(([, pattern]) => ({ event, pattern })));
  it.each(matching.map(([label], i) => [label, results[i]] as const))('matches: %s', (_label, result) => {
    expect(result).toBe(true);
  });
  it.each(notMatching.map(([label], i) => [label, results[matching.length + i]] as const))(
    'does not match: %s',
    (_label, result) => {
      expect(result).toBe(false);
    },
  );

  it('reads the operators EventBridge defines, and refuses one it does not', () => {
    expect(matchesPattern(event, { detail: { count: [{ numeric: ['>', 1] }] } })).toBe(true);
    expect(matchesPattern(event, { detail: { eventName: [{ 'equals-ignore-case': 'runinstances' }] } })).toBe(true);
    expect(() => matchesPattern(event, { detail: { count: [{ between: [1, 4] }] } })).toThrow(
      'not an EventBridge matcher',
    );
  });
});
