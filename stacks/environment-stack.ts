import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/load';
import type { AwsRegion } from '../modules/core/rules';
import { GitHubActionsRoles } from '../modules/github-oidc/github-actions-roles';
import { SamlFederation } from '../modules/saml-federation/saml-federation';

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
  readonly federation: SamlFederation;

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

    this.federation = new SamlFederation(this, 'federation', {
      accountId: config.accountId,
      providerName: config.identity.providerName,
      metadataXml: config.samlMetadataXml ?? '',
      roleName: config.identity.roleName,
      maxSessionDurationHours: config.identity.maxSessionDurationHours,
      requireRunAsTag: config.runAs.enabled,
      principalTagNames: principalTagNames(config),
    });

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

    const idp = this.federation.idpConfiguration;
    output(this, 'federated_role_arn', this.federation.roleArn, 'ARN of the federated role');
    output(this, 'saml_provider_arn', this.federation.providerArn, 'ARN of the IAM SAML provider');
    output(
      this,
      'idp_role_attribute',
      idp.roleAttribute,
      'IdP configuration: the Role attribute name and its value "<role arn>,<provider arn>"',
    );
    output(
      this,
      'idp_role_session_name_attribute',
      idp.roleSessionNameAttribute,
      "IdP configuration: attribute carrying the person's user name",
    );
    output(
      this,
      'idp_principal_tag_attributes',
      idp.principalTagAttributes,
      'IdP configuration: session tag attributes to send (SSMSessionRunAs = the OS user name)',
    );
  }
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
