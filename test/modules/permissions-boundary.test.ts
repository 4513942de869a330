import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { LaunchTagger } from '../../modules/launch-tagger/launch-tagger';
import { ManagedInstanceRole } from '../../modules/managed-instance-role/managed-instance-role';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { EXAMPLE_METADATA } from '../support/saml-metadata';

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
