import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { BreakGlassRole } from '../../modules/just-in-time/break-glass-role';
import { LaunchTagger } from '../../modules/launch-tagger/launch-tagger';
import { ManagedInstanceRole } from '../../modules/managed-instance-role/managed-instance-role';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { evaluate } from '../../cli/access/evaluator';
import { readStackAccess } from '../../cli/access/read-stack';
import type { PolicyDocument } from '../../modules/core/policy-document';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import type { EnvironmentSource } from '../../modules/environment/load-environment';
import { IDP_METADATA } from '../support/saml-metadata';
import { resourcesOfType, synthesize } from '../support/synth';

/**
 * `permissionsBoundaryArn` on every construct that creates a role: no boundary by default, the
 * given policy when set (the stack passes `GitHubActionsRoles.permissionsBoundaryArn` when CI is on).
 */
const ACCOUNT = '111111111111';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/test-permissions-boundary`;

const constructs: [string, (scope: Construct, boundary: { permissionsBoundaryArn?: string }) => void][] = [
  [
    'SamlFederation',
    (scope, boundary) =>
      new SamlFederation(scope, 'federation', {
        accountId: ACCOUNT,
        providerName: 'TestIdp',
        metadataXml: IDP_METADATA,
        roleName: 'TestShell',
        ...boundary,
      }),
  ],
  [
    'ManagedInstanceRole',
    (scope, boundary) =>
      new ManagedInstanceRole(scope, 'instance-role', {
        accountId: ACCOUNT,
        regions: ['eu-west-1'],
        roleName: 'test-ssm-managed-instance',
        ...boundary,
      }),
  ],
  [
    'BreakGlassRole',
    (scope, boundary) =>
      new BreakGlassRole(scope, 'break-glass', {
        accountId: ACCOUNT,
        regions: ['eu-west-1'],
        roleName: 'test-break-glass',
        trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/security-oncall`],
        ...boundary,
      }),
  ],
  [
    'LaunchTagger',
    (scope, boundary) =>
      new LaunchTagger(scope, 'tagger', {
        accountId: ACCOUNT,
        region: 'eu-west-1',
        name: 'test-launch-tagger',
        // The federation's own role is checked in the SamlFederation case: this one has no boundary.
        federation: new SamlFederation(new TerraformStack(Testing.app(), 'federation'), 'federation', {
          accountId: ACCOUNT,
          providerName: 'TestIdp',
          metadataXml: IDP_METADATA,
          roleName: 'TestShell',
        }),
        ...boundary,
      }),
  ],
];

function roles(build: (scope: Construct) => void): { name: string; permissions_boundary?: string }[] {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  build(stack);
  return Object.values(JSON.parse(Testing.synth(stack)).resource.aws_iam_role);
}

describe.each(constructs)('%s permissionsBoundaryArn', (_name, build) => {
  it('sets no boundary by default', () => {
    const found = roles((scope) => build(scope, {}));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((r) => r.permissions_boundary)).toEqual(found.map(() => undefined));
  });

  it('sets the given boundary on its role', () => {
    const found = roles((scope) => build(scope, { permissionsBoundaryArn: BOUNDARY }));
    expect(found.map((r) => r.permissions_boundary)).toEqual(found.map(() => BOUNDARY));
  });
});

/**
 * The stack's side: with CI on, every role of the stack carries the stack's permissions boundary,
 * the break-glass role of a just-in-time environment included (the CI and review guide: "which
 * every role of the stack carries (the federated role, the instance role, the launch tagger's
 * roles, the break-glass role and the two CI roles)"), because the deploy role may create and
 * change roles only with it. Small environments written here, SAML and Identity Center.
 */
const STACK_ACCOUNT = '123456789012';
const ONCALL = `arn:aws:iam::${STACK_ACCOUNT}:role/security-oncall`;
const justInTime = {
  autoApproval: { attributeRule: true },
  breakGlass: { enabled: true, trustedPrincipalArns: [ONCALL], alarmEmail: 'security-oncall@example.com' },
};
const shared = {
  accountId: STACK_ACCOUNT,
  primaryRegion: 'eu-west-1',
  additionalRegions: ['eu-central-1'],
  runAs: { enabled: true, defaultUser: 'ec2-user' },
  access: {
    mode: 'just-in-time',
    ownerRule: false,
    attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }] },
  },
  session: { maxDurationMinutes: 60, idleTimeoutMinutes: 15 },
  justInTime,
  ci: { githubRepository: 'example-org/access' },
} as const satisfies Partial<EnvironmentInput>;
const SOURCES: EnvironmentSource[] = [
  {
    file: 'test/modules/permissions-boundary.test.ts',
    input: {
      ...shared,
      name: 'bounded-saml',
      identity: {
        type: 'saml',
        providerName: 'TestIdp',
        metadataFile: 'test/fixtures/saml-metadata/adfs.xml',
        roleName: 'BoundedShell',
      },
    },
  },
  {
    file: 'test/modules/permissions-boundary.test.ts',
    input: {
      ...shared,
      name: 'bounded-ic',
      identity: {
        type: 'identity-center',
        instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
        region: 'eu-west-1',
        adminAccountId: '333333333333',
        permissionSetName: 'BoundedShell',
        attributePaths: { AppId: '${path:enterprise.costCenter}' },
      },
    },
  },
];
const { stacks } = synthesize(SOURCES);

describe.each(SOURCES.map((s) => [s.input.name, s.input.identity.type] as const))(
  'the roles of a just-in-time stack with CI (%s, %s)',
  (name, identityType) => {
    const stack = stacks.get(name)!;
    const { access } = readStackAccess(stack);
    const boundaryName = `${name}-permissions-boundary`;
    const boundaryArn = `arn:aws:iam::${STACK_ACCOUNT}:policy/${boundaryName}`;
    const breakGlassRole = `${name}-break-glass`;
    const roles = Object.values(resourcesOfType(stack, 'aws_iam_role')) as {
      name: string;
      permissions_boundary?: string;
    }[];
    const boundaryPolicies = Object.entries(resourcesOfType(stack, 'aws_iam_policy')).filter(
      ([, p]) => (p as { name: string }).name === boundaryName,
    );

    it('every role carries the stack’s boundary, the break-glass role included', () => {
      // The roles the guide lists, by the names the guides give them.
      expect(roles.map((r) => r.name).sort()).toEqual(
        [
          ...(identityType === 'saml' ? ['BoundedShell'] : []),
          `${name}-ssm-managed-instance`,
          `${name}-launch-tagger-eu-west-1`,
          `${name}-launch-tagger-eu-central-1`,
          breakGlassRole,
          `${name}-github-plan`,
          `${name}-github-deploy`,
        ].sort(),
      );
      expect(boundaryPolicies).toHaveLength(1);
      const reference = `\${aws_iam_policy.${boundaryPolicies[0]![0]}.arn}`;
      expect(roles.map((r) => [r.name, r.permissions_boundary])).toEqual(roles.map((r) => [r.name, reference]));
    });

    const evaluateAs = (
      roleName: string,
      identity: PolicyDocument[],
      action: string,
      resource: string,
      context: Record<string, string | string[]> = {},
    ) =>
      evaluate({
        request: {
          principal: `arn:aws:sts::${STACK_ACCOUNT}:assumed-role/${roleName}/oncall-bob`,
          action,
          resource: { resource, accountId: STACK_ACCOUNT },
          contextVariables: {
            'aws:PrincipalArn': `arn:aws:iam::${STACK_ACCOUNT}:role/${roleName}`,
            'aws:PrincipalTag/SSMSessionRunAs': 'bob',
            'aws:RequestedRegion': 'eu-west-1',
            ...context,
          },
        },
        identityPolicies: identity.map((policy, i) => ({ name: `policy-${i}`, policy })),
        permissionBoundaryPolicies: [{ name: boundaryName, policy: access.ci!.boundary }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      }).then((e) => e.decision);
    const instance = `arn:aws:ec2:eu-west-1:${STACK_ACCOUNT}:instance/i-0123456789abcdef0`;
    const anything: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'AttachedLater', Effect: 'Allow', Action: '*', Resource: '*' }],
    };

    it('the deploy role creates the break-glass role only with the boundary', async () => {
      const deploy = (context: Record<string, string>) =>
        evaluateAs(
          `${name}-github-deploy`,
          [...access.ci!.deployPolicies],
          'iam:CreateRole',
          `arn:aws:iam::${STACK_ACCOUNT}:role/${breakGlassRole}`,
          context,
        );
      await expect(deploy({ 'iam:PermissionsBoundary': boundaryArn })).resolves.toBe('Allowed');
      await expect(deploy({})).resolves.toBe('ExplicitlyDenied');
      await expect(
        deploy({ 'iam:PermissionsBoundary': `arn:aws:iam::${STACK_ACCOUNT}:policy/another-boundary` }),
      ).resolves.toBe('ExplicitlyDenied');
    });

    it('under the boundary, its emergency sessions still work', async () => {
      await expect(
        evaluateAs(breakGlassRole, [access.breakGlassPolicy!], 'ssm:StartSession', instance, {
          'ssm:SessionDocumentAccessCheck': 'true',
        }),
      ).resolves.toBe('Allowed');
    });

    it('and the boundary bounds it, whatever it is given later', async () => {
      const given = [access.breakGlassPolicy!, anything];
      await expect(evaluateAs(breakGlassRole, [access.breakGlassPolicy!], 'ssm:SendCommand', instance)).resolves.toBe(
        'ImplicitlyDenied',
      );
      await expect(evaluateAs(breakGlassRole, given, 'ssm:SendCommand', instance)).resolves.toBe('ImplicitlyDenied');
      await expect(
        evaluateAs(breakGlassRole, given, 'iam:CreateUser', `arn:aws:iam::${STACK_ACCOUNT}:user/backdoor`),
      ).resolves.toBe('ImplicitlyDenied');
      await expect(
        evaluateAs(
          breakGlassRole,
          given,
          'logs:GetLogEvents',
          `arn:aws:logs:eu-west-1:${STACK_ACCOUNT}:log-group:/aws/ssm/${name}/sessions:log-stream:alice`,
        ),
      ).resolves.toBe('ExplicitlyDenied');
      await expect(
        evaluateAs(
          breakGlassRole,
          given,
          'iam:DeleteRolePermissionsBoundary',
          `arn:aws:iam::${STACK_ACCOUNT}:role/${breakGlassRole}`,
        ),
      ).resolves.toBe('ExplicitlyDenied');
    });
  },
);
