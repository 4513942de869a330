/** Tag names that several constructs, the stacks and the launch tagger's handler must agree on. */

/**
 * Instance tag the launch tagger writes (`AwsUserId`): the launching person's `aws:userid`. The
 * owner rule opens a session when it equals the caller's `aws:userid`; the session access policy
 * and the SCP deny everyone else writing or deleting it.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export const OWNERSHIP_TAG = 'AwsUserId';

/**
 * Session tag naming the OS user a Session Manager session runs as (`SSMSessionRunAs`). The IdP
 * sends it as the SAML attribute `https://aws.amazon.com/SAML/Attributes/PrincipalTag:SSMSessionRunAs`.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 */
export const RUN_AS_TAG = 'SSMSessionRunAs';

/** The shared OS user Session Manager creates and runs sessions as without run-as. */
export const SHARED_SESSION_USER = 'ssm-user';
