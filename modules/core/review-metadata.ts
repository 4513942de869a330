import type { TerraformResource } from 'cdktf';
import type { AccessRules } from './access-rules';
import { escapeTerraformTemplate } from './policy-document';
import type { SessionLogDestination } from './session-log-destination';

/**
 * What a construct tells the review command (`ssm-federated-access plan-report`) about the
 * resources it creates: which part of the access model each one is, and the settings the access
 * matrix needs to know what to expect. It is written under the key `ssm-federated-access` of the
 * resource's `"//"` comment in `cdk.tf.json`, which Terraform ignores, so the review works on any
 * app that composes the constructs, without its source. Internal: not re-exported.
 *
 * String values that may hold Terraform references (a KMS key ARN, a bucket name) are written as
 * references (`${aws_kms_key.<id>.arn}`); literal `${` sequences are escaped as in any other
 * argument.
 */
export const REVIEW_METADATA_KEY = 'ssm-federated-access';

/** The version of the shape below; the reader refuses a newer one. */
export const REVIEW_METADATA_VERSION = 1;

/** The federated role people assume through a SAML provider (its trust policy). */
export interface FederatedRoleDescription {
  readonly part: 'federated-role';
  readonly accountId: string;
  readonly providerName: string;
  readonly roleName: string;
  readonly maxSessionDurationHours: number;
  readonly requireRunAsTag: boolean;
  /** Whether the trust policy accepts (`allowed`) or demands (`required`) a source identity. */
  readonly sourceIdentity?: 'off' | 'allowed' | 'required';
}

/**
 * The people's policy: an inline policy of the federated role or of a permission set. Who may start
 * a session where: the match rules and the session documents an environment turns on.
 */
export interface SessionPolicyDescription extends AccessRules {
  readonly part: 'session-policy';
  readonly sshEnabled: boolean;
  readonly portForwardingEnabled: boolean;
  readonly accountId: string;
  /** The environment's name (the stack's, in this repository's app). */
  readonly environment: string;
  /** Every region, the primary first. */
  readonly regions: readonly string[];
  /** Set in just-in-time mode only: people request access, and nobody holds `ssm:StartSession`. */
  readonly accessMode?: 'just-in-time';
  /** The organization SCP that protects the ownership tag, as Terraform takes it. */
  readonly ownershipTagScp: string;
}

/**
 * The Identity Center permission set people sign in through. `runAsAttribute` and the
 * `attributePaths` are written escaped (`$${path:userName}`), as {@link literal} makes them.
 */
export interface PermissionSetDescription {
  readonly part: 'permission-set';
  readonly instanceArn: string;
  readonly permissionSetName: string;
  readonly sessionDurationHours: number;
  readonly runAsAttribute: string;
  readonly attributePaths: Readonly<Record<string, string>>;
  readonly manageAccessControlAttributes: boolean;
  readonly assignments: readonly { readonly principalType: string; readonly principalId: string }[];
}

/** The instances' role (its trust policy) and where their sessions are logged. */
export interface InstanceRoleDescription {
  readonly part: 'instance-role';
  readonly roleName: string;
  readonly regions: readonly string[];
  readonly logDestinations: readonly SessionLogDestination[];
}

/** The instances' role policy. */
export interface InstancePolicyDescription {
  readonly part: 'instance-policy';
  readonly roleName: string;
}

/** A launch tagger's function role (the SCP exempts it). */
export interface LaunchTaggerRoleDescription {
  readonly part: 'launch-tagger-role';
  readonly region: string;
  /** The function's name. */
  readonly name?: string;
  readonly roleName: string;
  /** The function's dead-letter queue (absent in stacks synthesized before it was recorded). */
  readonly deadLetterQueueName?: string;
  readonly launcherRoleNames: readonly string[];
}

/** The Session Manager preferences of one region. */
export interface SessionPreferencesDescription {
  readonly part: 'session-preferences';
  readonly region: string;
  readonly runAsEnabled: boolean;
  readonly runAsDefaultUser: string;
}

/** The GitHub Actions roles of the review and deploy workflows. */
export interface CiRoles {
  readonly accountId: string;
  readonly githubRepository: string;
  readonly planRoleName: string;
  readonly deployRoleName: string;
  /**
   * The GitHub environment whose jobs the deploy role trusts. Absent in stacks synthesized before
   * it was recorded; readers fall back to the stack's name.
   */
  readonly deployEnvironment?: string;
  readonly createOidcProvider: boolean;
  /** The Terraform state object the roles read and write, where it is in S3. */
  readonly state?: { readonly bucket: string; readonly key: string };
}

/** One of the GitHub Actions roles (both carry the same description). */
export interface CiRoleDescription extends CiRoles {
  readonly part: 'ci-plan-role' | 'ci-deploy-role';
}

/** The break-glass role's standing session policy (on its inline policy resource). */
export interface BreakGlassRoleDescription {
  readonly part: 'break-glass-role';
  readonly roleName: string;
  /** The regions its sessions may be opened in (every instance of the account there). */
  readonly regions: readonly string[];
  /** Whether its sessions need the `SSMSessionRunAs` principal tag. */
  readonly requireRunAsTag: boolean;
}

/** The rule that alarms on the break-glass role's sessions in one region. */
export interface BreakGlassAlarmDescription {
  readonly part: 'break-glass-alarm';
  readonly roleName: string;
  readonly region: string;
}

export type ReviewPart =
  | FederatedRoleDescription
  | BreakGlassRoleDescription
  | BreakGlassAlarmDescription
  | SessionPolicyDescription
  | PermissionSetDescription
  | InstanceRoleDescription
  | InstancePolicyDescription
  | LaunchTaggerRoleDescription
  | SessionPreferencesDescription
  | (CiRoleDescription & { readonly part: 'ci-plan-role' })
  | (CiRoleDescription & { readonly part: 'ci-deploy-role' });

/** Writes a construct's description of `resource` into its `"//"` comment. */
export function describeForReview(resource: TerraformResource, description: ReviewPart): void {
  resource.addOverride(`//.${REVIEW_METADATA_KEY}`, { version: REVIEW_METADATA_VERSION, ...description });
}

/** Escapes what is text, not a reference, for a metadata string (Identity Center `${path:...}`). */
export function literal(text: string): string {
  return escapeTerraformTemplate(text);
}
