import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { BreakGlassRole } from '../../modules/just-in-time/break-glass-role';
import { LaunchTagger } from '../../modules/launch-tagger/launch-tagger';
import { ManagedInstanceRole } from '../../modules/managed-instance-role/managed-instance-role';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { environmentSources } from '../../environments';
import { evaluate, readResolvedPolicy } from '../support/policies';
import { EXAMPLE_METADATA } from '../support/saml-metadata';
import { resourceAt, resourcesOfType, synthesize } from '../support/synth';

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
        metadataXml: EXAMPLE_METADATA,
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
          metadataXml: EXAMPLE_METADATA,
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

describe('the break-glass role under the boundary of a stack with CI (prod)', () => {
  const { stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'prod'));
  const stack = stacks.get('prod')!;
  const role = resourceAt(stack, 'aws_iam_role', 'break-glass/role');
  const ref = /^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/.exec(String(role.permissions_boundary));
  const boundary = readResolvedPolicy(
    stack,
    String((resourcesOfType(stack, 'aws_iam_policy') as Record<string, { policy: string }>)[ref![1]!]!.policy),
  );
  const policy = readResolvedPolicy(
    stack,
    String(resourceAt(stack, 'aws_iam_role_policy', 'break-glass/session-access').policy),
  );
  const decide = (action: string, resource: string, context: Record<string, string>) =>
    evaluate({
      request: {
        principal: 'arn:aws:sts::345678901234:assumed-role/prod-break-glass/oncall-bob',
        action,
        resource: { resource, accountId: '345678901234' },
        contextVariables: {
          'aws:PrincipalTag/SSMSessionRunAs': 'bob',
          'aws:RequestedRegion': 'eu-west-1',
          ...context,
        },
      },
      identityPolicies: [{ name: 'session-access', policy }],
      permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }).then((e) => e.decision);
  const instance = 'arn:aws:ec2:eu-west-1:345678901234:instance/i-0123456789abcdef0';

  it('carries the boundary, which lets its emergency sessions through', async () => {
    expect(ref).not.toBeNull();
    await expect(decide('ssm:StartSession', instance, { 'ssm:SessionDocumentAccessCheck': 'true' })).resolves.toBe(
      'Allowed',
    );
  });

  it('and still refuses what its own policy does not grant', async () => {
    await expect(decide('ssm:SendCommand', instance, {})).resolves.toBe('ImplicitlyDenied');
  });
});
