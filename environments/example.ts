import type { EnvironmentInput } from './schema';

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
  tags: { Project: 'ssm-federated-access', Environment: 'example' },
  backend: { type: 'local' },
};
