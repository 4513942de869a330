import type { EnvironmentInput } from '../modules/environment/environment-schema';

/** Production account: Entra ID federation, two regions, no SSH or port forwarding (every session transcribed). */
export const prod: EnvironmentInput = {
  name: 'prod',
  accountId: '345678901234',
  primaryRegion: 'eu-west-1',
  additionalRegions: ['eu-central-1'],
  identity: {
    type: 'saml',
    providerName: 'EntraIdProd',
    metadataFile: 'environments/idp/prod-entra-metadata.xml',
    roleName: 'SsmShellProd',
    maxSessionDurationHours: 1,
  },
  runAs: { enabled: true, defaultUser: 'ec2-user' },
  access: {
    ownerRule: true,
    attributeRule: {
      tags: [
        { principalTag: 'AppId', instanceTag: 'APP_ID' },
        { principalTag: 'Stage', instanceTag: 'STAGE' },
      ],
      groups: 3,
    },
    sshEnabled: false,
    portForwardingEnabled: false,
  },
  launchTagger: { enabled: true },
  session: { idleTimeoutMinutes: 15, maxDurationMinutes: 60 },
  logging: {
    logRetentionDays: 1827,
    transcriptArchiveAfterDays: 90,
    transcriptExpirationDays: 2557,
    // Transcripts cannot be changed or deleted for a year, except by those allowed to bypass governance mode.
    objectLock: { mode: 'GOVERNANCE', days: 365 },
  },
  tags: {
    Project: 'ssm-federated-access',
    Environment: 'prod',
    CostCenter: 'platform',
    DataClassification: 'confidential',
  },
  ci: { githubRepository: 'example-org/ssm-federated-access' },
  backend: { type: 's3', bucket: 'example-prod-terraform-state', region: 'eu-west-1' },
};
