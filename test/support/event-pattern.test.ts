import { matchesPattern } from './event-pattern';

const event = {
  source: 'aws.ec2',
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventName: 'RunInstances', userAgent: 'aws-cli/2.27', tags: ['a', 'b'], count: 3, flag: null },
};

describe('matchesPattern (test support)', () => {
  it.each([
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
  ])('matches: %s', (_label, pattern) => {
    expect(matchesPattern(event, pattern)).toBe(true);
  });

  it.each([
    ['another value', { source: ['aws.s3'] }],
    ['a missing field', { detail: { errorCode: ['Client.UnauthorizedOperation'] } }],
    ['a missing object', { other: { eventName: ['RunInstances'] } }],
    ['exists: false on a present field', { detail: { eventName: [{ exists: false }] } }],
    ['exists: true on an absent field', { detail: { errorCode: [{ exists: true }] } }],
    ['another prefix', { detail: { userAgent: [{ prefix: 'console' }] } }],
    ['anything-but the value itself', { detail: { eventName: [{ 'anything-but': 'RunInstances' }] } }],
    ['a value of another type', { detail: { count: ['3'] } }],
    ['one field of several', { source: ['aws.ec2'], detail: { eventName: ['StopInstances'] } }],
  ])('does not match: %s', (_label, pattern) => {
    expect(matchesPattern(event, pattern)).toBe(false);
  });

  it('refuses operators it does not implement', () => {
    expect(() => matchesPattern(event, { detail: { count: [{ numeric: ['>', 1] }] } })).toThrow(
      '"numeric" is not supported',
    );
  });
});
