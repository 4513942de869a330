import type { EnvironmentInput } from '../modules/environment/environment-schema';

/**
 * The built-in example: synthesizes and plans with no AWS account, and shows every feature.
 * Account 111111111111 is a placeholder; copy this file to start a real environment.
 */
export const example: EnvironmentInput = {
  name: 'example',
  accountId: '111111111111',
  primaryRegion: 'eu-west-1',
  additionalRegions: ['us-east-1'],
  identity: {
    type: 'saml',
    providerName: 'ExampleAdfs',
    metadataFile: 'environments/idp/example-adfs-metadata.xml',
    roleName: 'SsmFederatedShell',
    maxSessionDurationHours: 4,
  },
  runAs: { enabled: true, defaultUser: 'ec2-user' },
  access: {
    ownerRule: true,
    attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 },
    sshEnabled: true,
    portForwardingEnabled: false,
  },
  launchTagger: { enabled: true, launcherRoleNames: ['ServiceWorkbenchLauncher'] },
  session: {
    idleTimeoutMinutes: 20,
    maxDurationMinutes: 120,
    shellProfile: { linux: 'cd ~ && exec bash --login', windows: '' },
    // Off so that the example plans offline; turn on where a deploy fails with DocumentAlreadyExists.
    adoptExistingDocument: false,
  },
  logging: {
    s3: { enabled: true, keyPrefix: 'sessions' },
    cloudWatch: { enabled: true, streamingEnabled: true },
    logRetentionDays: 365,
    transcriptArchiveAfterDays: 90,
    transcriptExpirationDays: 731,
  },
  // Interface and S3 gateway endpoints for private subnets without a NAT, shown in one region.
  vpcEndpoints: {
    'eu-west-1': {
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      vpcCidr: '10.20.0.0/16',
      subnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      routeTableIds: ['rtb-0a1b2c3d4e5f60001'],
    },
  },
  tags: { Project: 'ssm-federated-access', Environment: 'example' },
  backend: { type: 'local' },
};
