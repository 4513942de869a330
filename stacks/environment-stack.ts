import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/load';
import { escapeTerraformTemplate } from '../modules/core/policy-document';
import type { AwsRegion } from '../modules/core/rules';
import { GitHubActionsRoles } from '../modules/github-oidc/github-actions-roles';
import { POLICY_QUOTAS, checkPolicies, policiesInScope } from '../modules/core/policy-lint';
import { IdentityCenterPermissionSet } from '../modules/identity-center/identity-center-permission-set';
import { ManagedInstanceRole } from '../modules/managed-instance-role/managed-instance-role';
import { accessRulesOf } from '../modules/session-access-policy/access-rules';
import { SessionAccessPolicy } from '../modules/session-access-policy/session-access-policy';
import { SamlFederation } from '../modules/saml-federation/saml-federation';
import { LaunchTagger } from '../modules/launch-tagger/launch-tagger';
import { SessionAuditLogs } from '../modules/session-audit-logs/session-audit-logs';
import { consoleSessionUrl, sshConfigSnippet } from '../modules/session-preferences/connect';
import { SessionPreferences } from '../modules/session-preferences/session-preferences';
import { VpcEndpoints } from '../modules/vpc-endpoints/vpc-endpoints';

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
      });
    }

    // CI: the roles the plan-review and deploy workflows assume through GitHub's OIDC provider.
    if (config.ci) {
      const names = ciRoleNames(config);
      new GitHubActionsRoles(this, 'github-actions', {
        accountId: config.accountId,
        repository: config.ci.githubRepository,
        deployEnvironment: config.name,
        planRoleName: names.plan,
        deployRoleName: names.deploy,
        createOidcProvider: config.ci.createOidcProvider,
        ...(config.backend.type === 's3'
          ? { state: { bucket: config.backend.bucket, key: stateKey(config, config.backend.key) } }
          : {}),
      });
    }

    // Session Manager preferences and audit logging, per region (and VPC endpoints where configured).
    this.sessions = this.regions.map((context) => addRegionSessionResources(this, config, context));
    addSessionOutputs(this, config, this.sessions);

    // Who may open which session, and the role of the instances they open it on.
    const destinations = this.sessions.map((s) => s.auditLogs.destination);
    this.sessionAccess = new SessionAccessPolicy(this, 'session-access', {
      accountId: config.accountId,
      regions: config.regions,
      environment: config.name,
      rules: accessRulesOf(config.access),
      sshEnabled: config.access.sshEnabled,
      portForwardingEnabled: config.access.portForwardingEnabled,
      sessionKmsKeyArns: destinations.flatMap((d) => (d.kmsKeyArn ? [d.kmsKeyArn] : [])),
    });
    this.managedInstanceRole = new ManagedInstanceRole(this, 'managed-instance-role', {
      accountId: config.accountId,
      regions: config.regions,
      roleName: managedInstanceRoleName(config),
      logDestinations: destinations,
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
      addFederationOutputs(this, this.federation);
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
      output(
        this,
        'permission_set_arn',
        this.identityCenter.permissionSet.arn,
        'ARN of the Identity Center permission set',
      );
      output(
        this,
        'identity_center_role_arn_pattern',
        this.identityCenter.roleArnPattern,
        'The role Identity Center provisions in the account',
      );
      output(
        this,
        'identity_center_attributes',
        Object.fromEntries(
          Object.entries(this.identityCenter.attributeMap).map(([k, v]) => [k, escapeTerraformTemplate(v)]),
        ),
        'Access control attributes the permission set relies on (principal tag -> user attribute)',
      );
    }

    // ---- Launch tagger (modules/launch-tagger): one per region, one deployment package for all.
    // It needs the SAML federated role: owner values start with that role's unique id, which only
    // Terraform knows. Identity Center's role (AWSReservedSSO_*) is not known here, so no tagger there yet.
    this.launchTaggers =
      config.launchTagger.enabled && this.federation && identity.type === 'saml'
        ? addLaunchTaggers(this, config, identity.roleName, this.federation)
        : [];
    // ---- End of the launch tagger.

    // Keep last: lints and sizes every policy rendered above, before anything is written.
    checkPolicies([
      ...policiesInScope(this),
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

/** Name of the role and instance profile for the environment's instances (IAM names are per account). */
export function managedInstanceRoleName(config: EnvironmentConfig): string {
  return `${config.name}-ssm-managed-instance`;
}

function addFederationOutputs(stack: TerraformStack, federation: SamlFederation): void {
  const idp = federation.idpConfiguration;
  output(stack, 'federated_role_arn', federation.roleArn, 'ARN of the federated role');
  output(stack, 'saml_provider_arn', federation.providerArn, 'ARN of the IAM SAML provider');
  output(
    stack,
    'idp_role_attribute',
    idp.roleAttribute,
    'IdP configuration: the Role attribute name and its value "<role arn>,<provider arn>"',
  );
  output(
    stack,
    'idp_role_session_name_attribute',
    idp.roleSessionNameAttribute,
    "IdP configuration: attribute carrying the person's user name",
  );
  output(
    stack,
    'idp_principal_tag_attributes',
    idp.principalTagAttributes,
    'IdP configuration: session tag attributes to send (SSMSessionRunAs = the OS user name)',
  );
}

/** The GitHub Actions role names of an environment (its `ci` settings or the defaults). */
export function ciRoleNames(config: EnvironmentConfig): { plan: string; deploy: string } {
  return {
    plan: config.ci?.planRoleName ?? `${config.name}-github-plan`,
    deploy: config.ci?.deployRoleName ?? `${config.name}-github-deploy`,
  };
}

function stateKey(config: EnvironmentConfig, key: string | undefined): string {
  return key ?? `${config.name}/terraform.tfstate`;
}

/** Principal tags the IdP must send for the environment's access rules (besides SSMSessionRunAs). */
export function principalTagNames(config: EnvironmentConfig): string[] {
  const names = new Set<string>();
  const attributes = config.access.attributeRule;
  if (attributes) {
    for (let group = 1; group <= attributes.groups; group++) {
      for (const pair of attributes.tags) names.add(group === 1 ? pair.principalTag : `${pair.principalTag}${group}`);
    }
  }
  const owner = config.access.principalTagOwnerRule;
  if (owner) names.add(owner.principalTag);
  names.delete('SSMSessionRunAs');
  return [...names];
}

/** One region's Session Manager resources. */
export interface RegionSessionResources {
  readonly region: AwsRegion;
  readonly auditLogs: SessionAuditLogs;
  readonly preferences: SessionPreferences;
  readonly vpcEndpoints?: VpcEndpoints;
}

/** Base name of the launch tagger's resources; its roles are `<name>-<region>`. */
export function launchTaggerName(config: EnvironmentConfig): string {
  return `${config.name}-launch-tagger`;
}

function addLaunchTaggers(
  stack: SsmFederatedAccessStack,
  config: EnvironmentConfig,
  federatedRoleName: string,
  federation: SamlFederation,
): LaunchTagger[] {
  const settings = config.launchTagger;
  const bundle = LaunchTagger.bundleAsset(stack, 'launch-tagger-bundle');
  const taggers = stack.regions.map(
    ({ region, provider }) =>
      new LaunchTagger(stack, `launch-tagger-${region}`, {
        provider,
        region,
        accountId: config.accountId,
        name: launchTaggerName(config),
        bundle,
        federatedRoleName,
        federatedRoleUniqueId: federation.role.uniqueId,
        launcherRoleNames: settings.launcherRoleNames,
        ...(settings.maxRetryAttempts === undefined ? {} : { maxRetryAttempts: settings.maxRetryAttempts }),
        ...(settings.maxEventAgeSeconds === undefined ? {} : { maxEventAgeSeconds: settings.maxEventAgeSeconds }),
        ...(settings.alarmTopicArns?.[region] === undefined ? {} : { alarmTopicArn: settings.alarmTopicArns[region] }),
      }),
  );
  output(
    stack,
    'launch_tagger_dead_letter_queues',
    Object.fromEntries(taggers.map((t, i) => [stack.regions[i].region, t.deadLetterQueue.url])),
    'Launch events the tagger could not process, by region (see README, "Launch tagger", to replay them)',
  );
  return taggers;
}

function addRegionSessionResources(
  stack: TerraformStack,
  config: EnvironmentConfig,
  { region, provider }: RegionContext,
): RegionSessionResources {
  const logging = config.logging;
  const auditLogs = new SessionAuditLogs(stack, `session-audit-logs-${region}`, {
    provider,
    region,
    accountId: config.accountId,
    environmentName: config.name,
    s3LoggingEnabled: logging.s3.enabled,
    ...(logging.s3.keyPrefix === undefined ? {} : { s3KeyPrefix: logging.s3.keyPrefix }),
    cloudWatchLoggingEnabled: logging.cloudWatch.enabled,
    logRetentionDays: logging.logRetentionDays,
    transcriptArchiveAfterDays: logging.transcriptArchiveAfterDays,
    transcriptExpirationDays: logging.transcriptExpirationDays,
    ...(logging.objectLock
      ? { objectLockMode: logging.objectLock.mode, objectLockRetentionDays: logging.objectLock.days }
      : {}),
    ...(logging.centralBucket
      ? { centralBucketName: logging.centralBucket.name, centralBucketKmsKeyArn: logging.centralBucket.kmsKeyArn }
      : {}),
  });
  const preferences = new SessionPreferences(stack, `session-preferences-${region}`, {
    provider,
    destination: auditLogs.destination,
    cloudWatchStreamingEnabled: logging.cloudWatch.streamingEnabled,
    idleSessionTimeoutMinutes: config.session.idleTimeoutMinutes,
    maxSessionDurationMinutes: config.session.maxDurationMinutes,
    runAsEnabled: config.runAs.enabled,
    ...(config.runAs.defaultUser === undefined ? {} : { runAsDefaultUser: config.runAs.defaultUser }),
    shellProfileLinux: config.session.shellProfile.linux,
    shellProfileWindows: config.session.shellProfile.windows,
    adoptExistingDocument: config.session.adoptExistingDocument,
  });
  const endpoints = config.vpcEndpoints[region];
  const vpcEndpoints = endpoints
    ? new VpcEndpoints(stack, `vpc-endpoints-${region}`, {
        provider,
        region,
        namePrefix: config.name,
        vpcId: endpoints.vpcId,
        vpcCidrBlock: endpoints.vpcCidr,
        subnetIds: endpoints.subnetIds,
        routeTableIds: endpoints.routeTableIds,
      })
    : undefined;
  return { region, auditLogs, preferences, ...(vpcEndpoints ? { vpcEndpoints } : {}) };
}

function addSessionOutputs(
  stack: TerraformStack,
  config: EnvironmentConfig,
  sessions: readonly RegionSessionResources[],
): void {
  const byRegion = <T>(value: (s: RegionSessionResources) => T) =>
    Object.fromEntries(sessions.map((s) => [s.region, value(s)]));
  output(
    stack,
    'session_preferences_documents',
    byRegion((s) => s.preferences.documentName),
    'Session Manager preferences document, by region',
  );
  output(
    stack,
    'session_log_destinations',
    byRegion(({ auditLogs: { destination: d } }) => ({
      s3_bucket: d.s3BucketName ?? '',
      s3_key_prefix: d.s3KeyPrefix ?? '',
      log_group: d.logGroupName ?? '',
      kms_key_arn: d.kmsKeyArn ?? '',
    })),
    'Where session transcripts go, by region, and the key that encrypts them',
  );
  output(
    stack,
    'console_session_relay_states',
    byRegion((s) => consoleSessionUrl(s.region)),
    'IdP relay state that opens a Session Manager shell in the console, by region: replace <instance-id>',
  );
  if (config.access.sshEnabled) {
    output(
      stack,
      'ssh_config_snippet',
      sshConfigSnippet(),
      'Add to ~/.ssh/config to reach instances with ssh through Session Manager (not transcribed)',
    );
  }
}

function output(stack: TerraformStack, name: string, value: unknown, description: string): void {
  new TerraformOutput(stack, name, { value, description });
}

function configureBackend(stack: TerraformStack, config: EnvironmentConfig): void {
  const backend = config.backend;
  switch (backend.type) {
    case 'local':
      // Relative to cdktf.out/stacks/<name>: the state file sits at the project root, and the
      // synthesized JSON holds no machine-specific absolute path.
      new LocalBackend(stack, { path: backend.path ?? `../../../terraform.${config.name}.tfstate` });
      return;
    case 's3': {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: stateKey(config, backend.key),
        region: backend.region,
        encrypt: true,
      });
      // S3 native locking (Terraform 1.10+); CDKTF 0.21 has no typed property for it.
      if (backend.useLockfile) s3.addOverride('use_lockfile', true);
      return;
    }
    case 'hcp':
      new CloudBackend(stack, {
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace ?? config.name),
        ...(backend.hostname ? { hostname: backend.hostname } : {}),
      });
      return;
  }
}
