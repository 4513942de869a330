import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../modules/environment/load-environment';
import { stateKey } from '../modules/ssm-federated-access/names';

/** Where Terraform keeps the environment's state: local file, S3 with native locking, or HCP Terraform. */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig): void {
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
