import type { EnvironmentSource } from '../../modules/environment/load-environment';

/**
 * Small environments written for the intent tables (test/intent), each through the environment
 * file's schema, so they hold whatever the shipped environments become. Each turns on the least
 * that its rows need. Every row's expected decision is written in the tables from the promises of
 * DESIGN.md and the guides, never read back from these stacks.
 */

/** The account of every intent environment. */
export const INTENT_ACCOUNT = '111111111111';
/** An account no intent environment is in. */
export const OTHER_ACCOUNT = '999999999999';
/** The on-call role that may assume the break-glass roles with MFA. */
export const ONCALL_ROLE_ARN = `arn:aws:iam::${INTENT_ACCOUNT}:role/SecurityOncall`;
/** IdP metadata that IAM accepts (a fixture, not a shipped environment's file). */
const METADATA_FILE = 'test/fixtures/saml-metadata/adfs.xml';
/** The approvers of the just-in-time environments' manual policy. */
const APPROVERS = [{ type: 'SSOGroup' as const, name: 'a1b2c3d4-5678-90ab-cdef-platform0001' }];

/** SAML, standing access, the owner rule only, run-as on with the default refused users, two regions. */
export const SAML_OWNER: EnvironmentSource = {
  file: 'test/support/intent-environments.ts',
  input: {
    name: 'saml-owner',
    accountId: INTENT_ACCOUNT,
    primaryRegion: 'eu-west-1',
    additionalRegions: ['eu-central-1'],
    identity: { type: 'saml', providerName: 'Okta', metadataFile: METADATA_FILE, roleName: 'PeopleShell' },
    runAs: { enabled: true, defaultUser: 'ec2-user' },
    access: { ownerRule: true },
  },
};

/**
 * Identity Center, standing access by attributes (two `AppId` groups) and by the principal-tag owner
 * rule, no owner rule, port forwarding on, SSH off.
 */
export const IC_ABAC: EnvironmentSource = {
  file: 'test/support/intent-environments.ts',
  input: {
    name: 'ic-abac',
    accountId: INTENT_ACCOUNT,
    primaryRegion: 'us-east-1',
    additionalRegions: ['us-west-2'],
    identity: {
      type: 'identity-center',
      instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
      region: 'us-east-1',
      adminAccountId: '333333333333',
      permissionSetName: 'PeopleShell',
      attributePaths: {
        AppId: '${path:enterprise.costCenter}',
        AppId2: '${path:enterprise.division}',
        UserName: '${path:userName}',
      },
    },
    runAs: { enabled: true, defaultUser: 'ec2-user' },
    access: {
      ownerRule: false,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 },
      principalTagOwnerRule: { principalTag: 'UserName', instanceTag: 'CreatedBy' },
      portForwardingEnabled: true,
    },
  },
};

/**
 * SAML, just-in-time access with a break-glass role trusted both through the IdP and by the on-call
 * role with MFA, run-as on, CI on (so every role carries the permissions boundary).
 */
export const JIT_BOTH: EnvironmentSource = {
  file: 'test/support/intent-environments.ts',
  input: {
    name: 'jit-both',
    accountId: INTENT_ACCOUNT,
    primaryRegion: 'eu-west-1',
    additionalRegions: ['eu-central-1'],
    identity: { type: 'saml', providerName: 'Okta', metadataFile: METADATA_FILE, roleName: 'PeopleShell' },
    runAs: { enabled: true, defaultUser: 'ec2-user' },
    access: {
      mode: 'just-in-time',
      ownerRule: true,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }] },
    },
    session: { maxDurationMinutes: 60, idleTimeoutMinutes: 15 },
    justInTime: {
      autoApproval: { attributeRule: true, exceptWhenTagged: { key: 'Restricted', value: 'true' } },
      manualApprovals: [{ name: 'jit-both-approval', targets: 'all', approvers: APPROVERS, accessDurationHours: 2 }],
      breakGlass: {
        enabled: true,
        trust: 'both',
        trustedPrincipalArns: [ONCALL_ROLE_ARN],
        alarmEmail: 'security-oncall@example.com',
      },
    },
    ci: { githubRepository: 'example-org/access' },
  },
};

/**
 * Identity Center, just-in-time access with a break-glass role for IAM principals only, run-as off:
 * the break-glass role must open sessions with no principal tag at all.
 */
export const JIT_IAM_NO_RUN_AS: EnvironmentSource = {
  file: 'test/support/intent-environments.ts',
  input: {
    name: 'jit-open',
    accountId: INTENT_ACCOUNT,
    primaryRegion: 'ap-southeast-2',
    additionalRegions: ['ca-central-1'],
    identity: {
      type: 'identity-center',
      instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
      region: 'ap-southeast-2',
      adminAccountId: '333333333333',
      permissionSetName: 'PeopleShell',
      attributePaths: { AppId: '${path:enterprise.costCenter}' },
    },
    runAs: { enabled: false, allowSharedDefaultUser: true },
    access: {
      mode: 'just-in-time',
      ownerRule: false,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }] },
    },
    session: { maxDurationMinutes: 60, idleTimeoutMinutes: 15 },
    justInTime: {
      autoApproval: { attributeRule: true },
      breakGlass: {
        enabled: true,
        trust: 'iam',
        trustedPrincipalArns: [ONCALL_ROLE_ARN],
        alarmEmail: 'oncall@example.com',
      },
    },
  },
};

/** SAML, standing access, the owner rule only, and the GitHub Actions plan and deploy roles. */
export const CI_STANDING: EnvironmentSource = {
  file: 'test/support/intent-environments.ts',
  input: {
    name: 'ci-standing',
    accountId: INTENT_ACCOUNT,
    primaryRegion: 'eu-west-1',
    additionalRegions: ['eu-central-1'],
    identity: { type: 'saml', providerName: 'Okta', metadataFile: METADATA_FILE, roleName: 'PeopleShell' },
    runAs: { enabled: true, defaultUser: 'ec2-user' },
    access: { ownerRule: true },
    ci: { githubRepository: 'example-org/access' },
  },
};
