import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import type { AwsRegion } from '../../modules/core/rules';

/**
 * Production shapes that platform teams run: several regions with CI, just-in-time access and
 * break-glass together. None of them is a shipped environment; each one is what a new user wrote
 * for their own account, and each must synthesize, validate, plan and deploy.
 */

/** Eight regions, in the order the shapes take them. */
export const EIGHT_REGIONS: readonly AwsRegion[] = [
  'eu-west-1',
  'eu-central-1',
  'us-east-1',
  'us-west-2',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-north-1',
  'ca-central-1',
];

const regionsOf = (count: number) => ({
  primaryRegion: EIGHT_REGIONS[0],
  additionalRegions: EIGHT_REGIONS.slice(1, count),
});

const saml = (roleName: string) =>
  ({
    type: 'saml',
    providerName: 'Okta',
    metadataFile: 'environments/idp/dev-okta-metadata.xml',
    roleName,
    maxSessionDurationHours: 1,
  }) as const;

const groups = (count: number, tags: number) => ({
  tags: Array.from({ length: tags }, (_, i) => ({ principalTag: `Team${i + 1}`, instanceTag: `TEAM_${i + 1}` })),
  groups: count,
});

const justInTime = (breakGlass: NonNullable<EnvironmentInput['justInTime']>['breakGlass']) => ({
  autoApproval: { attributeRule: true, exceptWhenTagged: { key: 'Restricted', value: 'true' } },
  manualApprovals: [
    {
      name: 'platform-approval',
      targets: 'all' as const,
      approvers: [{ type: 'SSOGroup' as const, name: 'a1b2c3d4-5678-90ab-cdef-platform0001' }],
      minRequiredApprovals: 1,
      accessDurationHours: 4,
    },
  ],
  denyAccess: [{ tagKey: 'Restricted', values: ['true'] }],
  breakGlass,
});

const session = { idleTimeoutMinutes: 15, maxDurationMinutes: 60 };

/** A retailer's production account: 3 regions, just-in-time, break-glass for IAM principals, CI, a central log-archive bucket. */
export const retailer: EnvironmentInput = {
  name: 'retail-prod',
  accountId: '411122223333',
  ...regionsOf(3),
  identity: saml('RetailShell'),
  access: { mode: 'just-in-time', ownerRule: true, attributeRule: groups(2, 1) },
  justInTime: justInTime({
    enabled: true,
    trustedPrincipalArns: ['arn:aws:iam::411122223333:role/SecurityOncall'],
    alarmEmail: 'oncall@retail.example',
  }),
  session,
  logging: {
    centralBucket: {
      name: 'retail-log-archive-sessions',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:499988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  },
  ci: { githubRepository: 'retail/platform-access' },
  backend: { type: 's3', bucket: 'retail-terraform-state', region: 'eu-west-1' },
};

/** The retailer's shape with a transcript bucket per region instead of the central one. */
export const retailerBucketPerRegion: EnvironmentInput = {
  ...retailer,
  name: 'retail-prod-b',
  logging: {},
};

/** A bank's shared-services account: 6 regions, standing access, 3 ABAC groups of 2 tags, CI, Object Lock. */
export const bank: EnvironmentInput = {
  name: 'bank-shared',
  accountId: '522233334444',
  ...regionsOf(6),
  identity: saml('BankShell'),
  access: { mode: 'standing', ownerRule: true, attributeRule: groups(3, 2) },
  logging: { objectLock: { mode: 'COMPLIANCE', days: 365 }, transcriptExpirationDays: 2557 },
  ci: { githubRepository: 'bank/shared-services' },
  backend: { type: 's3', bucket: 'bank-terraform-state', region: 'eu-west-1' },
};

/** An Identity Center production account: 4 regions, just-in-time, break-glass, CI. */
export const identityCenterProd: EnvironmentInput = {
  name: 'ic-prod',
  accountId: '633344445555',
  ...regionsOf(4),
  identity: {
    type: 'identity-center',
    instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
    region: 'eu-west-1',
    adminAccountId: '600000000000',
    permissionSetName: 'SsmShell',
    attributePaths: { Team1: '${path:enterprise.costCenter}' },
    assignments: [{ principalType: 'GROUP', principalId: 'a1b2c3d4-5678-90ab-cdef-000000000001' }],
  },
  access: { mode: 'just-in-time', ownerRule: true, attributeRule: groups(1, 1) },
  justInTime: justInTime({
    enabled: true,
    trustedPrincipalArns: ['arn:aws:iam::633344445555:role/SecurityOncall'],
    alarmEmail: 'oncall@ic.example',
  }),
  session,
  ci: { githubRepository: 'example-org/ic-access' },
  backend: { type: 's3', bucket: 'ic-terraform-state', region: 'eu-west-1' },
};

/**
 * Every feature at once in `regionCount` regions (1-8): SAML, just-in-time with break-glass,
 * CI, a bucket per region with Object Lock, VPC endpoints in every region, the tag-mode launch
 * tagger, 10 ABAC groups of 3 tags and the principal-tag owner rule.
 */
export function everyFeature(regionCount: number, name = `all-${regionCount}`): EnvironmentInput {
  const regions = regionsOf(regionCount);
  const all = [regions.primaryRegion, ...regions.additionalRegions];
  return {
    name,
    accountId: '744455556666',
    ...regions,
    identity: saml('AllFeaturesShell'),
    access: {
      mode: 'just-in-time',
      ownerRule: true,
      attributeRule: groups(10, 3),
      principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' },
    },
    justInTime: justInTime({
      enabled: true,
      trustedPrincipalArns: ['arn:aws:iam::744455556666:role/SecurityOncall'],
      alarmEmail: 'oncall@all.example',
    }),
    launchTagger: { enabled: true, launcherRoleNames: ['ServiceWorkbenchLauncher'] },
    session,
    logging: { objectLock: { mode: 'GOVERNANCE', days: 365 } },
    vpcEndpoints: Object.fromEntries(
      all.map((r, i) => [
        r,
        {
          vpcId: `vpc-0a1b2c3d4e5f6a7b${i}`,
          vpcCidr: `10.${i}.0.0/16`,
          subnetIds: [`subnet-0a1b2c3d4e5f6a7b${i}`],
          routeTableIds: [`rtb-0a1b2c3d4e5f6a7b${i}`],
        },
      ]),
    ),
    ci: { githubRepository: 'example-org/all-features' },
    backend: { type: 's3', bucket: 'all-features-terraform-state', region: 'eu-west-1' },
  };
}

/** The fewest features in `regionCount` regions: SAML, standing access, the owner rule, no CI. */
export function minimumFeatures(regionCount: number, name = `min-${regionCount}`): EnvironmentInput {
  return {
    name,
    accountId: '855566667777',
    ...regionsOf(regionCount),
    identity: saml('MinimalShell'),
  };
}

/** The shapes that must synthesize, deploy and plan, by name. */
export const PRODUCTION_SHAPES: Readonly<Record<string, EnvironmentInput>> = {
  retailer,
  retailerBucketPerRegion,
  bank,
  identityCenterProd,
  everyFeature6: everyFeature(6),
  everyFeature8: everyFeature(8),
};
