import type { EnvironmentInput } from '../modules/environment/environment-schema';

/** Development account: Okta federation, one region, SSH allowed for debugging. */
export const dev: EnvironmentInput = {
  name: 'dev',
  accountId: '210987654321',
  primaryRegion: 'eu-central-1',
  identity: {
    type: 'saml',
    providerName: 'OktaDev',
    metadataFile: 'environments/idp/dev-okta-metadata.xml',
    roleName: 'SsmShellDev',
    maxSessionDurationHours: 8,
  },
  runAs: { enabled: true, defaultUser: 'ec2-user' },
  access: {
    ownerRule: true,
    principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' },
    sshEnabled: true,
    portForwardingEnabled: true,
  },
  launchTagger: { enabled: true },
  session: { idleTimeoutMinutes: 30, maxDurationMinutes: 480 },
  logging: { logRetentionDays: 365, transcriptExpirationDays: 365 },
  tags: { Project: 'ssm-federated-access', Environment: 'dev', CostCenter: 'platform' },
  ci: { githubRepository: 'example-org/ssm-federated-access' },
  backend: { type: 's3', bucket: 'example-dev-terraform-state', region: 'eu-central-1' },
};
