import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { type ConfigProblem, ConfigError, formatProblem } from '../core/config-error';
import { POLICY_QUOTAS, attachmentProblems, policiesInScope, policyProblems } from '../core/policy-lint';
import type { AwsRegion } from '../core/rules';
import { defaultAwsProvider } from '../core/provider-region';
import { reportProblems } from '../core/validation';
import type { EnvironmentInput } from '../environment/environment-schema';
import { type EnvironmentConfig, isEnvironmentConfig, validateEnvironment } from '../environment/load-environment';
import { GitHubActionsRoles, type GitHubActionsRolesProps } from '../github-oidc/github-actions-roles';
import { IdentityCenterPermissionSet } from '../identity-center/identity-center-permission-set';
import { LaunchTagger } from '../launch-tagger/launch-tagger';
import { ManagedInstanceRole } from '../managed-instance-role/managed-instance-role';
import { SamlFederation } from '../saml-federation/saml-federation';
import { SessionAccessPolicy } from '../session-access-policy/session-access-policy';
import { ciRoleNames, managedInstanceRoleName, principalTagNames, stateKey } from './names';
import {
  addCentralLogBucketOutputs,
  addFederationOutputs,
  addIdentityCenterOutputs,
  addLaunchTaggerOutputs,
  addSessionOutputs,
  output,
} from './outputs';
import { type JustInTimeAccess, addJustInTimeAccess } from './just-in-time';
import { breakGlassAlarmRegionsOf } from '../just-in-time/break-glass-regions';
import type { RegionResources } from './region-resources';
import type { SessionLogDestination } from '../core/session-log-destination';
import { runAsGuardOf, standingSessionAccessProps } from './session-access-props';
import { addLaunchTagger, addRegionSessionResources } from './regional';

/**
 * Properties of {@link SsmFederatedAccess}.
 */
export interface SsmFederatedAccessProps {
  /**
   * The environment: one AWS account, its regions and its identity source. Either in the shape of
   * an environment file ({@link EnvironmentInput}), which is validated here the same way, or what
   * `loadEnvironment` returned ({@link EnvironmentConfig}, marked `validated: true`), which is taken
   * as it is. Its `backend` is not used: the state backend is the stack's.
   */
  readonly environment: EnvironmentInput | EnvironmentConfig;
  /**
   * The AWS provider of each region of the environment, when the stack has its own. Give one for
   * every region or none; each must be configured for the region it is given for.
   *
   * @default - one provider per region, created here: the default provider for the primary region
   * and one aliased by its region name for each further region, each with `allowed_account_ids`
   * set to the environment's account and its `tags` as default tags
   */
  readonly providers?: Partial<Readonly<Record<AwsRegion, AwsProvider>>>;
  /**
   * The provider for the Identity Center resources (identity type `identity-center`): it must
   * reach the organization's management or delegated administrator account.
   *
   * @default - a provider aliased `identity_center` for `identity.region` and `identity.adminAccountId`,
   * assuming `identity.adminRoleArn` when it is set
   */
  readonly identityCenterProvider?: AwsProvider;
  /**
   * Folder that relative paths of the environment (`identity.metadataFile`) are read from.
   *
   * @default - the current working directory (where `cdktf` runs the app)
   */
  readonly rootDir?: string;
  /**
   * Permissions of your own for the CI roles (environments with `ci`), for resources your app adds
   * to the same stack: the CI roles manage this construct's resources only, so that your resources
   * never change the size of the library's policies. Your statements become policies of their own
   * (`<plan role>-read-app`, `<deploy role>-changes-app`). See the consumer guide.
   *
   * @default none
   */
  readonly ciPermissions?: Pick<
    GitHubActionsRolesProps,
    'additionalPlanStatements' | 'additionalDeployStatements' | 'additionalBoundaryActions'
  >;
}

/**
 * Everything one environment deploys, composed and wired: the SAML federation (or the IAM
 * Identity Center permission set), the session access policy attached to it, the managed-instance
 * role, and in every region the Session Manager preferences, the audit logs, the VPC endpoints
 * where configured, and the launch tagger; the GitHub Actions roles when `ci` is set; and the
 * outputs an operator needs (IdP values, role ARNs, the ownership-tag SCP, the central log
 * bucket's policies).
 *
 * The environment is validated when the construct is created. Problems are reported through
 * `node.addValidation`, all at once when the app synthesizes (use `synthesizeApp(app)`), and a
 * construct with an invalid environment creates nothing.
 *
 * @example
 * ```ts
 * const stack = new TerraformStack(app, 'payments-prod');
 * new SsmFederatedAccess(stack, 'access', {
 *   environment: {
 *     name: 'payments-prod',
 *     accountId: '123456789012',
 *     primaryRegion: 'eu-west-1',
 *     identity: { type: 'saml', providerName: 'Okta', metadataFile: 'okta-metadata.xml', roleName: 'PaymentsShell' },
 *     runAs: { enabled: true, defaultUser: 'ec2-user' },
 *   },
 * });
 * synthesizeApp(app);
 * ```
 */
export class SsmFederatedAccess extends Construct {
  /** The validated environment; undefined when it was invalid (the synth then reports why). */
  readonly config?: EnvironmentConfig;
  /** Each region of the environment, the primary first, with what is managed there. */
  readonly regions: readonly RegionResources[] = [];
  /** The SAML provider and federated role (SAML identity source only). */
  readonly federation?: SamlFederation;
  /** The permission set (Identity Center identity source only). */
  readonly identityCenter?: IdentityCenterPermissionSet;
  /** Who may open which session: the federated role's or the permission set's policy. */
  readonly sessionAccess?: SessionAccessPolicy;
  /** Role and instance profile for the instances people connect to. */
  readonly managedInstanceRole?: ManagedInstanceRole;
  /** The launch tagger of each region (in `regions` order); empty when it is off. */
  readonly launchTaggers: readonly LaunchTagger[] = [];
  /** The GitHub Actions roles and the permissions boundary (environments with `ci` only). */
  readonly ci?: GitHubActionsRoles;
  /** Just-in-time access: the approval policies per region and the break-glass role (environments with `justInTime`). */
  readonly justInTime?: JustInTimeAccess;

  constructor(scope: Construct, id: string, props: SsmFederatedAccessProps) {
    super(scope, id);
    const config = validatedEnvironment(this, props);
    if (config === undefined) return;
    const defaultTags = [{ tags: { ...config.tags, ManagedBy: 'ssm-federated-access' } }];
    const providers = this.regionProviders(config, props, defaultTags);
    if (providers === undefined) return;
    this.config = config;

    // CI first: the permissions boundary it makes is one every role of the stack then carries.
    if (config.ci) this.ci = this.addCiRoles(config, config.ci, props);
    const permissionsBoundaryArn = this.ci?.permissionsBoundaryArn;
    const boundary = permissionsBoundaryArn === undefined ? {} : { permissionsBoundaryArn };

    const identity = config.identity;
    if (identity.type === 'saml') this.federation = this.addFederation(config, identity, boundary);

    // Session Manager preferences and audit logging, per region (and VPC endpoints where configured).
    const sessions = config.regions.map((region) => addRegionSessionResources(this, config, region, providers[region]));
    addSessionOutputs(this, config, sessions);
    const destinations = sessions.map((s) => s.auditLogs.destination);

    // Just-in-time access: the approval policies per region, the break-glass role and its alarms.
    if (config.justInTime) {
      this.justInTime = addJustInTimeAccess(this, config, {
        regions: config.regions.map((region) => ({ region, provider: providers[region] })),
        alarmOnlyProviders: this.alarmOnlyProviders(config, props, defaultTags),
        ...(this.federation ? { samlProviderArn: this.federation.providerArn } : {}),
        ...boundary,
      });
    }

    // Who may open which session, and the role of the instances they open it on.
    this.sessionAccess = new SessionAccessPolicy(this, 'session-access', {
      ...standingSessionAccessProps(
        config,
        destinations.flatMap((d) => (d.kmsKeyArn ? [d.kmsKeyArn] : [])),
      ),
      ...this.justInTime?.sessionAccessProps,
    });
    this.managedInstanceRole = this.addManagedInstanceRole(config, destinations, this.sessionAccess, boundary);

    if (this.federation) {
      this.sessionAccess.attachToRole(this.federation.role);
      addFederationOutputs(this, this.federation, config.regions[0]);
    }
    if (identity.type === 'identity-center') {
      this.identityCenter = this.addIdentityCenter(config, identity, this.sessionAccess, props, defaultTags);
    }
    if (config.launchTagger.enabled) this.launchTaggers = this.addLaunchTaggers(config, providers, boundary);
    this.regions = config.regions.map((region, index) => ({
      region,
      provider: providers[region],
      primary: index === 0,
      ...sessions[index],
      ...(this.launchTaggers[index] ? { launchTagger: this.launchTaggers[index] } : {}),
    }));

    // The CI roles manage what this construct created (not what the app adds beside it): granted
    // once every resource exists, so their policies are computed once.
    if (this.ci) this.grantCiRoles(this.ci);
    // Keep last: lints and sizes every policy rendered above, when the app is validated.
    this.addPolicyValidation(this.sessionAccess, this.ci);
  }

  /**
   * The roles the plan-review and deploy workflows assume through GitHub's OIDC provider, and the
   * permissions boundary that every role of the stack then carries.
   */
  private addCiRoles(
    config: EnvironmentConfig,
    ci: NonNullable<EnvironmentConfig['ci']>,
    props: SsmFederatedAccessProps,
  ): GitHubActionsRoles {
    const names = ciRoleNames(config);
    return new GitHubActionsRoles(this, 'github-actions', {
      accountId: config.accountId,
      repository: ci.githubRepository,
      deployEnvironment: ci.deployEnvironment ?? config.name,
      // Names stay the environment's when many environments share one GitHub environment.
      namePrefix: `${config.name}-`,
      planRoleName: names.plan,
      deployRoleName: names.deploy,
      regions: config.regions,
      // The break-glass sign-in alarms' regions, where nothing else of the environment is.
      alarmRegions: breakGlassEnabled(config)
        ? breakGlassAlarmRegionsOf(config).filter((r) => !config.regions.includes(r))
        : [],
      createOidcProvider: ci.createOidcProvider,
      ...props.ciPermissions,
      ...(config.backend.type === 's3'
        ? { state: { bucket: config.backend.bucket, key: stateKey(config, config.backend.key) } }
        : {}),
    });
  }

  /** The SAML provider and the federated role people assume through it. */
  private addFederation(
    config: EnvironmentConfig,
    identity: SamlIdentity,
    boundary: { permissionsBoundaryArn?: string },
  ): SamlFederation {
    return new SamlFederation(this, 'federation', {
      accountId: config.accountId,
      providerName: identity.providerName,
      metadataXml: config.samlMetadataXml ?? '',
      roleName: identity.roleName,
      maxSessionDurationHours: identity.maxSessionDurationHours,
      requireRunAsTag: config.runAs.enabled,
      runAsGuard: runAsGuardOf(config),
      principalTagNames: principalTagNames(config),
      sourceIdentity: identity.sourceIdentity,
      ...boundary,
    });
  }

  /**
   * The role and instance profile of the instances people connect to, with the outputs an operator
   * needs beside it: the profile's name, the ownership-tag SCP and the central log bucket's policies.
   */
  private addManagedInstanceRole(
    config: EnvironmentConfig,
    destinations: readonly SessionLogDestination[],
    sessionAccess: SessionAccessPolicy,
    boundary: { permissionsBoundaryArn?: string },
  ): ManagedInstanceRole {
    const role = new ManagedInstanceRole(this, 'managed-instance-role', {
      accountId: config.accountId,
      regions: config.regions,
      roleName: managedInstanceRoleName(config),
      logDestinations: destinations,
      ...boundary,
    });
    output(
      this,
      'managed_instance_profile_name',
      role.instanceProfile.name,
      'Instance profile for the instances people connect to',
    );
    output(
      this,
      'ownership_tag_scp',
      sessionAccess.scpJson,
      'Organization SCP protecting the AwsUserId tag (attach it from the management account)',
    );
    addCentralLogBucketOutputs(this, config, role);
    return role;
  }

  /**
   * The Identity Center permission set, managed from the organization's management or delegated
   * administrator account (through `identityCenterProvider`, or a provider created for it).
   */
  private addIdentityCenter(
    config: EnvironmentConfig,
    identity: IdentityCenterIdentity,
    sessionAccess: SessionAccessPolicy,
    props: SsmFederatedAccessProps,
    defaultTags: { tags: Record<string, string> }[],
  ): IdentityCenterPermissionSet {
    const provider =
      props.identityCenterProvider ??
      new AwsProvider(this, 'aws_identity_center', {
        alias: 'identity_center',
        region: identity.region,
        allowedAccountIds: [identity.adminAccountId],
        defaultTags,
        ...(identity.adminRoleArn
          ? { assumeRole: [{ roleArn: identity.adminRoleArn, sessionName: `${config.name}-identity-center` }] }
          : {}),
      });
    const permissionSet = new IdentityCenterPermissionSet(this, 'identity-center', {
      provider,
      instanceArn: identity.instanceArn,
      permissionSetName: identity.permissionSetName,
      sessionDurationHours: identity.sessionDurationHours,
      sessionAccessPolicy: sessionAccess,
      accountId: config.accountId,
      runAsSource: identity.runAsAttribute,
      attributeSources: identity.attributePaths,
      manageAccessControlAttributes: identity.manageAccessControlAttributes,
      assignments: identity.assignments,
    });
    addIdentityCenterOutputs(this, permissionSet);
    return permissionSet;
  }

  /**
   * The launch tagger: one per region, one deployment package for all. SAML: owner values start
   * with the federated role's unique id, which Terraform knows. Identity Center: the permission
   * set's role (AWSReservedSSO_*) exists only once Identity Center provisions it, so the function
   * recognises its sessions by path and name and looks its id up at run time.
   */
  private addLaunchTaggers(
    config: EnvironmentConfig,
    providers: Record<string, AwsProvider>,
    boundary: { permissionsBoundaryArn?: string },
  ): LaunchTagger[] {
    const bundle = LaunchTagger.bundleAsset(this, 'launch-tagger-bundle');
    const taggers = config.regions.map((region) =>
      addLaunchTagger(this, config, region, providers[region], {
        bundle,
        ...(this.federation ? { federation: this.federation } : {}),
        ...(this.identityCenter ? { permissionSet: this.identityCenter } : {}),
        ...boundary,
      }),
    );
    addLaunchTaggerOutputs(this, config.regions, taggers);
    return taggers;
  }

  /** Lets the CI roles deploy the approval documents and manage everything this construct created. */
  private grantCiRoles(ci: GitHubActionsRoles): void {
    for (const approvals of this.justInTime?.approvals ?? []) approvals.grantDeploy(ci);
    try {
      ci.grantManage(this);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      reportProblems(this, error.problems);
    }
  }

  /** Lints and sizes every policy of this construct (the SCP and the CI policies included) when the app is validated. */
  private addPolicyValidation(sessionAccess: SessionAccessPolicy, ci: GitHubActionsRoles | undefined): void {
    this.node.addValidation({
      validate: () => {
        try {
          return [
            ...attachmentProblems(this),
            ...policyProblems([
              ...policiesInScope(this),
              // The CI policies are rendered at synth time (from the resource types above): check them now.
              ...(ci?.isGranted ? ci.policiesToCheck() : []),
              {
                where: sessionAccess.node.path,
                attribute: 'ownership_tag_scp',
                kind: 'service-control',
                document: sessionAccess.scpDocument,
                quota: POLICY_QUOTAS.serviceControlPolicy,
              },
            ]),
          ].map(formatProblem);
        } catch (error) {
          if (error instanceof ConfigError) return error.problems.map(formatProblem);
          throw error;
        }
      },
    });
  }

  /**
   * The providers of the regions where only the break-glass sign-in alarms are (us-east-1 and the
   * further sign-in regions): the ones given in `providers`, or one created per region, aliased by
   * its name like the environment's further regions.
   */
  private alarmOnlyProviders(
    config: EnvironmentConfig,
    props: SsmFederatedAccessProps,
    defaultTags: { tags: Record<string, string> }[],
  ): Partial<Record<AwsRegion, AwsProvider>> {
    if (!breakGlassEnabled(config)) return {};
    const alarmOnly = breakGlassAlarmRegionsOf(config).filter((r) => !config.regions.includes(r));
    return Object.fromEntries(
      alarmOnly.map((region) => [
        region,
        props.providers?.[region] ??
          new AwsProvider(this, `aws_${region}`, {
            region,
            alias: region,
            allowedAccountIds: [config.accountId],
            defaultTags,
          }),
      ]),
    );
  }

  /** The provider of every region: the ones given (checked), or one created per region. */
  private regionProviders(
    config: EnvironmentConfig,
    props: SsmFederatedAccessProps,
    defaultTags: { tags: Record<string, string> }[],
  ): Record<string, AwsProvider> | undefined {
    const where = this.node.path;
    const given = props.providers;
    if (given === undefined) {
      const existing = defaultAwsProvider(this);
      if (existing) {
        reportProblems(this, [
          {
            file: where,
            path: 'providers',
            value: undefined,
            message: `must be given when the stack already has a default AWS provider (${existing.node.path}): a second one would be a duplicate provider configuration. Pass your providers, e.g. providers: { '${config.regions[0]}': provider }`,
          },
        ]);
        return undefined;
      }
      return Object.fromEntries(
        config.regions.map((region, index) => {
          const primary = index === 0;
          const provider = new AwsProvider(this, primary ? 'aws' : `aws_${region}`, {
            region,
            // Guards against deploying into the wrong account with the wrong credentials.
            allowedAccountIds: [config.accountId],
            defaultTags,
            ...(primary ? {} : { alias: region }),
          });
          return [region, provider];
        }),
      );
    }
    const problems: ConfigProblem[] = [];
    const missing = config.regions.filter((region) => given[region] === undefined);
    if (missing.length > 0) {
      problems.push({
        file: where,
        path: 'providers',
        value: Object.keys(given),
        message: `must have a provider for every region of the environment; missing ${missing.join(', ')}. Add them, or leave providers out to have them created`,
      });
    }
    const known = breakGlassEnabled(config) ? breakGlassAlarmRegionsOf(config) : config.regions;
    for (const [region, provider] of Object.entries(given)) {
      if (!known.includes(region as AwsRegion)) {
        problems.push({
          file: where,
          path: `providers.${region}`,
          value: region,
          message: `must name a region of the environment${known.length > config.regions.length ? ' or of its break-glass alarms' : ''} (${known.join(', ')}). Remove it or add the region to the environment`,
        });
      } else if (provider?.region !== undefined && !Token.isUnresolved(provider.region) && provider.region !== region) {
        problems.push({
          file: where,
          path: `providers.${region}`,
          value: provider.region,
          message: `must be a provider for ${region}, but it is configured for ${provider.region}: the region's resources would be created in the wrong region. Pass the provider of ${region}`,
        });
      }
    }
    reportProblems(this, problems);
    return problems.length > 0 ? undefined : (given as Record<string, AwsProvider>);
  }
}

type SamlIdentity = Extract<EnvironmentConfig['identity'], { type: 'saml' }>;
type IdentityCenterIdentity = Extract<EnvironmentConfig['identity'], { type: 'identity-center' }>;

/** Whether the environment has a break-glass role (and so alarms beyond its own regions). */
function breakGlassEnabled(config: EnvironmentConfig): boolean {
  return config.justInTime?.breakGlass.enabled === true;
}

/** The environment, validated here unless the loader did (`EnvironmentConfig.validated`). */
function validatedEnvironment(scope: Construct, props: SsmFederatedAccessProps): EnvironmentConfig | undefined {
  const environment = props.environment;
  if (isEnvironmentConfig(environment)) return environment;
  const result = validateEnvironment(
    { file: scope.node.path, input: environment },
    { ...(props.rootDir ? { rootDir: props.rootDir } : {}), pathPrefix: 'environment.' },
  );
  reportProblems(scope, result.problems);
  return result.config;
}
