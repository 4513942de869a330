/**
 * The settings the access matrix reads, under the field names of an environment file
 * (`environments/schema.ts`): `config.access.ownerRule`, `config.identity.roleName`, ... A validated
 * `EnvironmentConfig` is one; the review command builds one from what the constructs wrote into a
 * synthesized stack (`readStackConfig`), so the matrix needs no environment file.
 */
export interface AccessConfig {
  /** The environment (the `environment` of the session access policy; this repository's stack name). */
  readonly name: string;
  readonly accountId: string;
  readonly primaryRegion: string;
  /** Every region, the primary first. */
  readonly regions: readonly string[];
  readonly identity: SamlIdentityConfig | IdentityCenterIdentityConfig;
  readonly runAs: { readonly enabled: boolean; readonly defaultUser?: string };
  readonly access: AccessRulesConfig;
  readonly launchTagger: {
    readonly enabled: boolean;
    readonly launcherRoleNames: readonly string[];
    /** The function's name. @default `<name>-launch-tagger` */
    readonly name?: string;
  };
  readonly ci?: CiConfig;
}

export interface SamlIdentityConfig {
  readonly type: 'saml';
  readonly providerName: string;
  readonly roleName: string;
  readonly maxSessionDurationHours: number;
  /** @default 'allowed' */
  readonly sourceIdentity?: 'off' | 'allowed' | 'required';
}

export interface IdentityCenterIdentityConfig {
  readonly type: 'identity-center';
  readonly instanceArn: string;
  /** Identity Center's home region. */
  readonly region: string;
  readonly permissionSetName: string;
  readonly sessionDurationHours: number;
  readonly runAsAttribute: string;
  readonly attributePaths: Readonly<Record<string, string>>;
  readonly manageAccessControlAttributes: boolean;
  readonly assignments: readonly { readonly principalType: string; readonly principalId: string }[];
}

export interface TagPairConfig {
  readonly principalTag: string;
  readonly instanceTag: string;
}

export interface AccessRulesConfig {
  readonly ownerRule: boolean;
  readonly attributeRule?: { readonly tags: readonly TagPairConfig[]; readonly groups: number };
  readonly principalTagOwnerRule?: TagPairConfig;
  readonly sshEnabled: boolean;
  readonly portForwardingEnabled: boolean;
  /** `just-in-time`: nobody starts sessions directly; people request access. @default 'standing' */
  readonly mode?: 'standing' | 'just-in-time';
}

export interface CiConfig {
  readonly githubRepository: string;
  readonly planRoleName?: string;
  readonly deployRoleName?: string;
  readonly createOidcProvider: boolean;
  /** Where the Terraform state is, when it is in S3 (the CI roles read and write that object). */
  readonly state?: { readonly bucket: string; readonly key: string };
}
