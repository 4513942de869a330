import type { EnvironmentInput } from '../modules/environment/environment-schema';

/**
 * Production account: Entra ID federation, two regions, no SSH or port forwarding (every session
 * transcribed), and just-in-time access instead of standing access: the ABAC groups are
 * auto-approved except on instances tagged `Restricted = true`, everything else waits for one
 * approval from the platform approvers (an Identity Center group) and then lasts four hours, the
 * organization's deny-access policy forbids auto-approval on restricted instances, and a
 * break-glass role alarms on every use.
 */
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
    mode: 'just-in-time',
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
  justInTime: {
    autoApproval: { attributeRule: true, exceptWhenTagged: { key: 'Restricted', value: 'true' } },
    manualApprovals: [
      {
        name: 'prod-platform-approval',
        targets: 'all',
        approvers: [{ type: 'SSOGroup', name: 'a1b2c3d4-5678-90ab-cdef-platform0001' }],
        minRequiredApprovals: 1,
        accessDurationHours: 4,
      },
    ],
    denyAccess: [{ tagKey: 'Restricted', values: ['true'] }],
    breakGlass: { enabled: true, alarmEmail: 'security-oncall@example.com' },
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
