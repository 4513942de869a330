import type { EnvironmentSource } from '../../environments';

/** An Identity Center environment for tests only (none of the shipped ones uses Identity Center). */
export const IDENTITY_CENTER_TEST_SOURCE: EnvironmentSource = {
  file: 'test/support/identity-center-source.ts',
  input: {
    name: 'ic-example',
    accountId: '222222222222',
    primaryRegion: 'eu-west-1',
    additionalRegions: ['eu-north-1'],
    identity: {
      type: 'identity-center',
      instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
      region: 'eu-west-1',
      adminAccountId: '333333333333',
      permissionSetName: 'SsmShellAccess',
      sessionDurationHours: 4,
      attributePaths: { AppId: '${path:enterprise.costCenter}', AppId2: '${path:enterprise.division}' },
      assignments: [{ principalType: 'GROUP', principalId: '9067a3e6d2-0123abcd-4567-89ab-cdef-0123456789ab' }],
    },
    runAs: { enabled: true, defaultUser: 'ec2-user' },
    access: {
      ownerRule: true,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 },
      principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' },
      sshEnabled: false,
      portForwardingEnabled: true,
    },
    tags: { Project: 'ssm-federated-access', Environment: 'ic-example' },
    backend: { type: 'local' },
  },
};
