import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../modules/environment/load-environment';
import { SsmFederatedAccess } from '../modules/ssm-federated-access/ssm-federated-access';
import { configureBackend } from './backend';

/**
 * The stack of one environment: its state backend and an {@link SsmFederatedAccess} with
 * everything the environment deploys. The construct's id is `Default`, which cdktf leaves out of
 * resource addresses, so they read as if the resources were the stack's own.
 */
export class SsmFederatedAccessStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  /** Everything the environment deploys. */
  readonly access: SsmFederatedAccess;

  constructor(scope: Construct, config: EnvironmentConfig) {
    super(scope, config.name);
    this.config = config;
    configureBackend(this, config);
    this.access = new SsmFederatedAccess(this, 'Default', { environment: config });
  }
}
