import { environmentLaunchTaggerName } from '../../modules/core/launch-tagger-names';
import type { PolicyDocument } from '../../modules/core/policy-document';
import type {
  CiRoles,
  FederatedRoleDescription,
  LaunchTaggerRoleDescription,
  PermissionSetDescription,
  ReviewPart,
  SessionPolicyDescription,
  SessionPreferencesDescription,
} from '../../modules/core/review-metadata';

/**
 * The access model of one synthesized stack, as the matrix reads it: the settings are the
 * descriptions the constructs wrote into the stack (modules/core/review-metadata.ts, the one
 * definition of those shapes), and the policies are the ones synthesized, resolved for evaluation.
 * read-stack.ts reads both; nothing here depends on how.
 */

/** The constructs' descriptions of one stack's access, one field per part of the model. */
export interface AccessModel {
  /** The people's policy: the environment's name, account, regions (the primary first) and rules. */
  readonly sessionPolicy: SessionPolicyDescription;
  /**
   * How people sign in: the SAML federated role, or the Identity Center permission set, with the
   * region its instance is managed from and its attributes unescaped (`${path:userName}`).
   */
  readonly identity: FederatedRoleDescription | (PermissionSetDescription & { readonly region: string });
  /** Each region's Session Manager preferences. */
  readonly preferences: readonly SessionPreferencesDescription[];
  /** Each region's launch tagger (none where the stack has no tagger). */
  readonly launchTaggers: readonly LaunchTaggerRoleDescription[];
  /** The GitHub Actions roles, where the stack has them. */
  readonly ci?: CiRoles;
  /** The break-glass role (just-in-time environments with break-glass), and the regions whose rules alarm on its sessions. */
  readonly breakGlass?: {
    readonly roleName: string;
    /** The regions its sessions may be opened in. */
    readonly regions: readonly string[];
    /** Whether its sessions need the `SSMSessionRunAs` principal tag. */
    readonly requireRunAsTag: boolean;
    readonly alarmedRegions: readonly string[];
  };
}

/** Whether sessions run as each person's OS user: the primary region's preferences, else the trust policy. */
export function runAsEnabled(model: AccessModel): boolean {
  const [primary] = model.sessionPolicy.regions;
  const preferences = model.preferences.find((p) => p.region === primary) ?? model.preferences[0];
  if (preferences) return preferences.runAsEnabled;
  return model.identity.part === 'federated-role' ? model.identity.requireRunAsTag : true;
}

/** The launch tagger's function name, as the tagger describes it. @default `<environment>-launch-tagger` */
export function launchTaggerName(model: AccessModel): string {
  return model.launchTaggers[0]?.name ?? environmentLaunchTaggerName(model.sessionPolicy.environment);
}

/** A resource the constructs described, with where it is. */
export interface DescribedResource<P extends ReviewPart['part'] = ReviewPart['part']> {
  readonly type: string;
  readonly name: string;
  readonly description: Extract<ReviewPart, { part: P }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly resource: any;
}

/** Where one region's sessions are logged, references resolved. */
export interface ResolvedDestination {
  readonly region: string;
  readonly s3Bucket: string;
  /** The bucket is not a resource of the stack: a central bucket in a log-archive account. */
  readonly s3BucketManagedElsewhere?: boolean;
  readonly s3KeyPrefix: string;
  readonly logGroup: string;
  readonly kmsKeyArn: string;
  /** The aliases the stack gives the key (a key of the stack only): the value of `kms:ResourceAliases`. */
  readonly kmsKeyAliases?: readonly string[];
  /** The key's policy, the resource policy of KMS requests. */
  readonly keyPolicy?: PolicyDocument;
  /** A central bucket's own key (`logging.centralBucket.kmsKeyArn`), when it is not the session key. */
  readonly s3KmsKeyArn?: string;
}

/** The CI roles' policies as synthesized, resolved for evaluation. */
export interface SynthesizedCiAccess {
  readonly planRoleName: string;
  readonly deployRoleName: string;
  readonly boundaryArn: string;
  /** Every identity policy of the plan role: the reads, and the state read where state is in S3. */
  readonly planPolicies: readonly PolicyDocument[];
  /** Every identity policy of the deploy role. */
  readonly deployPolicies: readonly PolicyDocument[];
  readonly boundary: PolicyDocument;
}

/** The identity side's policies: the SAML role's trust policy and the launch taggers' policies. */
export interface IdentityAccess {
  /** The SAML federated role's trust policy (SAML environments only). */
  readonly federatedTrust?: PolicyDocument;
  /** Each region's launch tagger role and its policy (none where the stack has no tagger). */
  readonly launchTaggerPolicies?: readonly { region: string; roleName: string; policy: PolicyDocument }[];
}

/** Everything the matrix reads from a synthesized stack: the settings and the policies. */
export interface SynthesizedAccess extends IdentityAccess {
  readonly model: AccessModel;
  readonly sessionPolicy: PolicyDocument;
  /** The break-glass role's standing session policy, where the stack has one. */
  readonly breakGlassPolicy?: PolicyDocument;
  readonly scp: PolicyDocument;
  /** The instance role's name, policy and trust policy (absent when the stack has no `ManagedInstanceRole`). */
  readonly instanceRoleName?: string;
  readonly instancePolicy?: PolicyDocument;
  readonly instanceTrust?: PolicyDocument;
  /** Per region, where sessions are logged (what the instance role may write to). */
  readonly destinations: readonly ResolvedDestination[];
  /** Names of the launch tagger roles the stack creates (none where it has no tagger). */
  readonly launchTaggerRoleNames: readonly string[];
  /** The GitHub Actions roles' policies and boundary (stacks with `GitHubActionsRoles` only). */
  readonly ci?: SynthesizedCiAccess;
}

/** Where the people's session policy is in the stack. */
export interface PolicyLocation {
  readonly type: string;
  readonly name: string;
  /** The argument that holds the policy JSON. */
  readonly attribute: string;
  /** `type.name`, as in a plan. */
  readonly address: string;
}

export interface StackAccess {
  readonly access: SynthesizedAccess;
  readonly sessionPolicyLocation: PolicyLocation;
}
