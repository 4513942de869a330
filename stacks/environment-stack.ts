import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/load';
import type { AwsRegion } from '../modules/core/rules';
import { GitHubActionsRoles } from '../modules/github-oidc/github-actions-roles';
import { POLICY_QUOTAS, checkPolicies, policiesInScope } from '../modules/core/policy-lint';
import { IdentityCenterPermissionSet } from '../modules/identity-center/identity-center-permission-set';
import { ManagedInstanceRole } from '../modules/managed-instance-role/managed-instance-role';
import { accessRulesOf } from '../modules/session-access-policy/access-rules';
import { SessionAccessPolicy } from '../modules/session-access-policy/session-access-policy';
import { SamlFederation } from '../modules/saml-federation/saml-federation';
import type { LaunchTagger } from '../modules/launch-tagger/launch-tagger';
import { addJustInTimeAccess } from '../modules/just-in-time/add-just-in-time-access';
import { configureBackend } from './backend';
import { ciRoleNames, managedInstanceRoleName, principalTagNames, stateKey } from './names';
import { addFederationOutputs, addIdentityCenterOutputs, addSessionOutputs, output } from './outputs';
import { type RegionSessionResources, addLaunchTaggers, addRegionSessionResources } from './regional';

/** One region of an environment and the provider that manages it. */
export interface RegionContext {
  readonly region: AwsRegion;
  /** The default provider for the primary region; an aliased provider for each further region. */
  readonly provider: AwsProvider;
  /** Whether this is the primary region (where the global IAM resources are managed). */
  readonly primary: boolean;
}

/**
 * Everything one environment deploys: the global IAM resources through the primary region's
 * provider, and the regional resources once per region.
 */
export class SsmFederatedAccessStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly regions: readonly RegionContext[];
  /** The SAML provider and federated role (SAML identity source only). */
  readonly federation?: SamlFederation;
  /** The permission set (Identity Center identity source only). */
  readonly identityCenter?: IdentityCenterPermissionSet;
  /** Who may open which session: the federated role's or the permission set's policy. */
  readonly sessionAccess: SessionAccessPolicy;
  /** Role and instance profile for the instances people connect to. */
  readonly managedInstanceRole: ManagedInstanceRole;
  /** Session Manager preferences and audit logging, one entry per region (in `regions` order). */
  readonly sessions: readonly RegionSessionResources[];
  /** The launch tagger of each region (in `regions` order); empty when it is off. */
  readonly launchTaggers: readonly LaunchTagger[];
  /** The GitHub Actions roles and the permissions boundary (environments with `ci` only). */
  readonly ci?: GitHubActionsRoles;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    this.config = config;
    configureBackend(this, config);

    const defaultTags = [{ tags: { ...config.tags, ManagedBy: 'ssm-federated-access' } }];
    this.regions = config.regions.map((region, index) => {
      const primary = index === 0;
      const provider = new AwsProvider(this, primary ? 'aws' : `aws_${region}`, {
        region,
        // Guards against deploying into the wrong account with the wrong credentials.
        allowedAccountIds: [config.accountId],
        defaultTags,
        ...(primary ? {} : { alias: region }),
      });
      return { region, provider, primary };
    });

    // CI: the roles the plan-review and deploy workflows assume through GitHub's OIDC provider, and
    // the permissions boundary that every role of the stack then carries (first, so roles can name it).
    if (config.ci) {
      const names = ciRoleNames(config);
      this.ci = new GitHubActionsRoles(this, 'github-actions', {
        accountId: config.accountId,
        repository: config.ci.githubRepository,
        deployEnvironment: config.name,
        planRoleName: names.plan,
        deployRoleName: names.deploy,
        regions: config.regions,
        createOidcProvider: config.ci.createOidcProvider,
        ...(config.backend.type === 's3'
          ? { state: { bucket: config.backend.bucket, key: stateKey(config, config.backend.key) } }
          : {}),
      });
    }

    const permissionsBoundaryArn = this.ci?.permissionsBoundaryArn;
    const boundary = permissionsBoundaryArn === undefined ? {} : { permissionsBoundaryArn };

    const identity = config.identity;
    if (identity.type === 'saml') {
      this.federation = new SamlFederation(this, 'federation', {
        accountId: config.accountId,
        providerName: identity.providerName,
        metadataXml: config.samlMetadataXml ?? '',
        roleName: identity.roleName,
        maxSessionDurationHours: identity.maxSessionDurationHours,
        requireRunAsTag: config.runAs.enabled,
        principalTagNames: principalTagNames(config),
        sourceIdentity: identity.sourceIdentity,
        ...boundary,
      });
    }

    // Session Manager preferences and audit logging, per region (and VPC endpoints where configured).
    this.sessions = this.regions.map((context) => addRegionSessionResources(this, config, context));
    addSessionOutputs(this, config, this.sessions);

    // Who may open which session, and the role of the instances they open it on.
    const destinations = this.sessions.map((s) => s.auditLogs.destination);
    const sessionKmsKeyArns = destinations.flatMap((d) => (d.kmsKeyArn ? [d.kmsKeyArn] : []));

    // ---- Just-in-time access (approval policies, break-glass role, outputs) --------------------
    const justInTime = config.justInTime
      ? addJustInTimeAccess(this, config, {
          regions: this.regions,
          sessionKmsKeyArns,
          ...(this.federation ? { samlProviderArn: this.federation.providerArn } : {}),
          ...boundary,
        })
      : undefined;
    // ---------------------------------------------------------------------------------------------

    this.sessionAccess = new SessionAccessPolicy(this, 'session-access', {
      accountId: config.accountId,
      regions: config.regions,
      environment: config.name,
      rules: accessRulesOf(config.access),
      sshEnabled: config.access.sshEnabled,
      portForwardingEnabled: config.access.portForwardingEnabled,
      sessionKmsKeyArns,
      ...justInTime?.sessionAccessProps,
    });
    this.managedInstanceRole = new ManagedInstanceRole(this, 'managed-instance-role', {
      accountId: config.accountId,
      regions: config.regions,
      roleName: managedInstanceRoleName(config),
      logDestinations: destinations,
      ...boundary,
    });
    output(
      this,
      'managed_instance_profile_name',
      this.managedInstanceRole.instanceProfile.name,
      'Instance profile for the instances people connect to',
    );
    output(
      this,
      'ownership_tag_scp',
      this.sessionAccess.scpJson,
      'Organization SCP protecting the AwsUserId tag (attach it from the management account)',
    );

    if (this.federation) {
      this.sessionAccess.attachToRole(this.federation.role);
      addFederationOutputs(this, this.federation, this.regions[0].region);
    }
    if (identity.type === 'identity-center') {
      // Identity Center is managed from the organization's management or delegated administrator account.
      const provider = new AwsProvider(this, 'aws_identity_center', {
        alias: 'identity_center',
        region: identity.region,
        allowedAccountIds: [identity.adminAccountId],
        defaultTags,
        ...(identity.adminRoleArn
          ? { assumeRole: [{ roleArn: identity.adminRoleArn, sessionName: `${config.name}-identity-center` }] }
          : {}),
      });
      this.identityCenter = new IdentityCenterPermissionSet(this, 'identity-center', {
        provider,
        instanceArn: identity.instanceArn,
        permissionSetName: identity.permissionSetName,
        sessionDurationHours: identity.sessionDurationHours,
        sessionAccessPolicy: this.sessionAccess,
        accountId: config.accountId,
        runAsSource: identity.runAsAttribute,
        attributeSources: identity.attributePaths,
        manageAccessControlAttributes: identity.manageAccessControlAttributes,
        assignments: identity.assignments,
      });
      addIdentityCenterOutputs(this, this.identityCenter);
    }

    // Launch tagger: one per region, one deployment package for all. SAML: owner values start with
    // the federated role's unique id, which Terraform knows. Identity Center: the permission set's
    // role (AWSReservedSSO_*) exists only once Identity Center provisions it, so the function
    // recognises its sessions by path and name and looks its id up at run time.
    this.launchTaggers = config.launchTagger.enabled
      ? addLaunchTaggers(
          this,
          config,
          identity.type === 'saml'
            ? { federatedRoleName: identity.roleName, federatedRoleUniqueId: this.federation!.role.uniqueId }
            : { permissionSetName: identity.permissionSetName },
          permissionsBoundaryArn,
        )
      : [];

    // Keep last: lints and sizes every policy rendered above, before anything is written.
    checkPolicies([
      ...policiesInScope(this),
      // The CI policies are rendered at synth time (from the resource types above): check them now.
      ...(this.ci?.policiesToCheck() ?? []),
      {
        where: this.sessionAccess.node.path,
        attribute: 'ownership_tag_scp',
        kind: 'service-control',
        document: this.sessionAccess.scpDocument,
        quota: POLICY_QUOTAS.serviceControlPolicy,
      },
    ]);
  }
}
