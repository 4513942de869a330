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

/**
 * Identity Center has not provisioned the permission set's role in this account yet (the
 * permission set is not assigned here), so tag-mode owners `<role id>:<CreatedBy>` cannot be
 * written. Thrown, not swallowed: after Lambda's retries the event waits in the dead-letter queue
 * and can be replayed once the permission set is assigned.
 */
export class PermissionSetNotProvisionedError extends Error {
  constructor(
    readonly permissionSetName: string,
    /** The IAM path searched. */
    readonly pathPrefix: string,
  ) {
    super(
      `no role AWSReservedSSO_${permissionSetName}_* under ${pathPrefix} in this account: assign the permission set to the account, then replay the event from the dead-letter queue`,
    );
    this.name = 'PermissionSetNotProvisionedError';
  }
}
