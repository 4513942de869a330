import fc from 'fast-check';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import type { AwsRegion } from '../../modules/core/rules';
import { JUST_IN_TIME_SESSION_BOUNDS } from '../../modules/environment/environment-schema';

/**
 * Valid environments across the whole configuration space the schema promises: 1 to 8 regions,
 * SAML or Identity Center, standing or just-in-time access with break-glass, CI on or off, a
 * central bucket or one per region with or without Object Lock, VPC endpoints, the launch tagger's
 * modes, 0 to 10 ABAC groups of 1 to 3 tags, and SSH and port forwarding where they are allowed.
 */

const REGIONS: readonly AwsRegion[] = [
  'eu-west-1',
  'eu-central-1',
  'us-east-1',
  'us-west-2',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-north-1',
  'ca-central-1',
  'sa-east-1',
  'ap-south-1',
];

const ACCOUNT = '123456789012';

const tagPairs = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ principalTag: `Team${i + 1}`, instanceTag: `TEAM_${i + 1}` }));

/** The environment's choices, before they are put together. */
const choices = fc.record({
  regions: fc.uniqueArray(fc.constantFrom(...REGIONS), { minLength: 1, maxLength: 8 }),
  identity: fc.constantFrom('saml', 'identity-center'),
  mode: fc.constantFrom('standing', 'just-in-time'),
  breakGlassIam: fc.boolean(),
  ci: fc.boolean(),
  central: fc.boolean(),
  objectLock: fc.boolean(),
  endpointRegions: fc.integer({ min: 0, max: 8 }),
  launchTagger: fc.constantFrom('off', 'caller', 'tag'),
  groups: fc.integer({ min: 0, max: 10 }),
  tagsPerGroup: fc.integer({ min: 1, max: 3 }),
  ownerRule: fc.boolean(),
  principalTagOwner: fc.boolean(),
  ssh: fc.boolean(),
  portForwarding: fc.boolean(),
  runAs: fc.boolean(),
});

export type EnvironmentChoices = typeof choices extends fc.Arbitrary<infer T> ? T : never;

/** Puts the choices together into an environment file's input. */
export function environmentOf(c: EnvironmentChoices, name = 'prop'): EnvironmentInput {
  const [primaryRegion, ...additionalRegions] = c.regions;
  const justInTime = c.mode === 'just-in-time';
  const attributeRule = c.groups > 0 ? { tags: tagPairs(c.tagsPerGroup), groups: c.groups } : undefined;
  const principalTagOwnerRule = c.principalTagOwner
    ? { principalTag: 'UserName', instanceTag: 'CreatedBy' }
    : undefined;
  // Some rule must let people in.
  const ownerRule = c.ownerRule || (!attributeRule && !principalTagOwnerRule);
  const principalTags = [
    ...(attributeRule
      ? Array.from({ length: c.groups }, (_, g) =>
          tagPairs(c.tagsPerGroup).map((t) => (g === 0 ? t.principalTag : `${t.principalTag}${g + 1}`)),
        ).flat()
      : []),
    ...(principalTagOwnerRule ? [principalTagOwnerRule.principalTag] : []),
  ];
  const identity: EnvironmentInput['identity'] =
    c.identity === 'saml'
      ? {
          type: 'saml',
          providerName: 'Okta',
          metadataFile: 'environments/idp/dev-okta-metadata.xml',
          roleName: 'PropShell',
        }
      : {
          type: 'identity-center',
          instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
          region: primaryRegion,
          adminAccountId: '999999999999',
          permissionSetName: 'PropShell',
          attributePaths: Object.fromEntries(principalTags.map((t) => [t, '${path:enterprise.department}'])),
        };
  const trustedPrincipalArns =
    c.breakGlassIam || c.identity === 'identity-center' ? [`arn:aws:iam::${ACCOUNT}:role/SecurityOncall`] : [];
  return {
    name,
    accountId: ACCOUNT,
    primaryRegion,
    additionalRegions,
    identity,
    runAs: c.runAs ? { enabled: true, defaultUser: 'ec2-user' } : { enabled: false, allowSharedDefaultUser: true },
    access: {
      mode: c.mode as 'standing' | 'just-in-time',
      ownerRule,
      ...(attributeRule ? { attributeRule } : {}),
      ...(principalTagOwnerRule ? { principalTagOwnerRule } : {}),
      sshEnabled: !justInTime && c.ssh,
      portForwardingEnabled: !justInTime && c.portForwarding,
    },
    ...(justInTime
      ? {
          justInTime: {
            autoApproval: { attributeRule: attributeRule !== undefined },
            manualApprovals: [
              {
                name: `${name}-approval`,
                targets: 'all' as const,
                approvers: [{ type: 'SSOGroup' as const, name: 'a1b2c3d4-5678-90ab-cdef-platform0001' }],
                accessDurationHours: 2,
              },
            ],
            breakGlass: { enabled: true, trustedPrincipalArns, alarmEmail: 'oncall@example.com' },
          },
          session: {
            maxDurationMinutes: JUST_IN_TIME_SESSION_BOUNDS.maxDurationMinutes,
            idleTimeoutMinutes: JUST_IN_TIME_SESSION_BOUNDS.idleTimeoutMinutes,
          },
        }
      : {}),
    launchTagger:
      c.launchTagger === 'off'
        ? { enabled: false }
        : { enabled: true, launcherRoleNames: c.launchTagger === 'tag' ? ['WorkbenchLauncher'] : [] },
    logging: c.central
      ? {
          centralBucket: {
            name: 'org-log-archive-sessions',
            kmsKeyArn: 'arn:aws:kms:eu-west-1:888888888888:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
        }
      : c.objectLock
        ? { objectLock: { mode: 'GOVERNANCE', days: 365 } }
        : {},
    vpcEndpoints: Object.fromEntries(
      c.regions.slice(0, c.endpointRegions).map((r, i) => [
        r,
        {
          vpcId: `vpc-0a1b2c3d4e5f6a7b${i}`,
          vpcCidr: `10.${i}.0.0/16`,
          subnetIds: [`subnet-0a1b2c3d4e5f6a7b${i}`],
          routeTableIds: [`rtb-0a1b2c3d4e5f6a7b${i}`],
        },
      ]),
    ),
    ...(c.ci ? { ci: { githubRepository: 'example-org/access' } } : {}),
    backend: { type: 's3', bucket: 'example-terraform-state', region: primaryRegion },
  };
}

/** Valid environments (see the module comment). */
export const validEnvironment = (name?: string) => choices.map((c) => environmentOf(c, name));
export { choices as environmentChoices };
