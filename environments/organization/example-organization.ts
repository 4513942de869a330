import type { EnvironmentSource } from '../../modules/environment/load-environment';
import { organizationEnvironments } from '../organization';

/**
 * A sample organization: one environment per active member account of
 * `accounts.example.json` (an `aws organizations list-accounts` export), all from one template,
 * with per-account overrides. To roll out to your organization, export your own account list and
 * add `...yourOrganization()` to `environmentSources` in `environments/index.ts`.
 */
export function exampleOrganization(rootDir?: string): EnvironmentSource[] {
  return organizationEnvironments({
    accountsFile: 'environments/organization/accounts.example.json',
    ...(rootDir ? { rootDir } : {}),
    // The management account runs no workloads; suspended accounts are left out too.
    include: (account) => account.Status === 'ACTIVE' && account.Name !== 'Management',
    template: {
      primaryRegion: 'eu-west-1',
      identity: {
        type: 'saml',
        providerName: 'CorpAdfs',
        metadataFile: 'environments/idp/example-adfs-metadata.xml',
        roleName: 'SsmFederatedShell',
        maxSessionDurationHours: 4,
      },
      runAs: { enabled: true, defaultUser: 'ec2-user' },
      access: { ownerRule: true, sshEnabled: false, portForwardingEnabled: false },
      tags: { Project: 'ssm-federated-access' },
      backend: { type: 's3', bucket: 'example-org-terraform-state', region: 'eu-west-1' },
    },
    overrides: {
      // Production accounts of the payments team also work in a second region.
      'Payments PROD': { additionalRegions: ['eu-central-1'] },
      // Sandboxes allow SSH for debugging.
      'Ml-Platform SANDBOX': { access: { ownerRule: true, sshEnabled: true, portForwardingEnabled: true } },
    },
  });
}
