/**
 * The event is not a CloudTrail RunInstances event this function can read. It is rejected (not
 * dropped) so that, after Lambda's retries, it lands in the dead-letter queue for someone to look at.
 */
export class MalformedEventError extends Error {
  constructor(
    /** The EventBridge event id, when the event has one. */
    readonly eventId: string | undefined,
    /** What is wrong, one `path: message` per problem. */
    readonly issues: readonly string[],
  ) {
    super(`event ${eventId ?? '(no id)'} is not a CloudTrail RunInstances event: ${issues.join('; ')}`);
    this.name = 'MalformedEventError';
  }
}

/** The function's environment is incomplete or wrong; every event fails until the deployment is fixed. */
export class ConfigurationError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`launch tagger environment is invalid: ${issues.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}
