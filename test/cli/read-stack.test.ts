import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { SessionAccessPolicy } from '../../modules/session-access-policy/session-access-policy';
import { runMatrix, stackMatrix } from '../../cli/access/access-matrix';
import { runAsEnabled } from '../../cli/access/access-model';
import { NoAccessModelError, describedResources, readStackAccess } from '../../cli/access/read-stack';
import { synthStack } from '../support/construct-synth';

/**
 * Reading the access model back from constructs a consumer composes, with the parts missing that
 * an app may leave out. (The shipped environments are covered in test/stacks/access-matrix.test.ts.)
 */
const accountId = '123456789012';
const metadataXml = readFileSync(join(__dirname, '..', '..', 'examples', 'consumer-app', 'idp-metadata.xml'), 'utf8');

function stackWith(compose: (stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), 'app');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1', allowedAccountIds: [accountId] });
  compose(stack);
  return synthStack(stack);
}

const policy = (stack: TerraformStack) =>
  new SessionAccessPolicy(stack, 'access', {
    accountId,
    regions: ['eu-west-1'],
    environment: 'team',
    rules: { ownerRule: true, principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' } },
    sshEnabled: true,
  });

describe('the access model of a consumer stack', () => {
  it('federation and policy only: settings from the constructs, no instance role or tagger cases', async () => {
    const synthesized = stackWith((stack) => {
      const federation = new SamlFederation(stack, 'federation', {
        accountId,
        providerName: 'Corp',
        metadataXml,
        roleName: 'team-shell',
        requireRunAsTag: false,
      });
      policy(stack).attachToRole(federation.role);
    });
    const { access, sessionPolicyLocation } = readStackAccess(synthesized);
    expect(access.model).toEqual({
      sessionPolicy: {
        part: 'session-policy',
        accountId,
        environment: 'team',
        regions: ['eu-west-1'],
        ownerRule: true,
        principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' },
        sshEnabled: true,
        portForwardingEnabled: false,
        ownershipTagScp: expect.stringContaining('DenyAccessTagChanges'),
      },
      identity: {
        part: 'federated-role',
        accountId,
        providerName: 'Corp',
        roleName: 'team-shell',
        maxSessionDurationHours: 1,
        requireRunAsTag: false,
        sourceIdentity: 'allowed',
      },
      preferences: [],
      launchTaggers: [],
    });
    expect(runAsEnabled(access.model)).toBe(false);
    expect(sessionPolicyLocation).toMatchObject({ type: 'aws_iam_role_policy', attribute: 'policy' });
    expect(access.instancePolicy).toBeUndefined();
    expect(access.destinations).toEqual([]);
    expect(access.scp.Statement.map((s) => s.Sid)).toContain('DenyAccessTagChanges');
    const results = await runMatrix(stackMatrix(synthesized).cases);
    expect(results.filter((r) => !r.pass).map((r) => r.case.description)).toEqual([]);
    expect(new Set(results.map((r) => r.case.area)).has('instance role')).toBe(false);
    expect(results.some((r) => r.case.description === 'SSH on in this environment' && r.pass)).toBe(true);
  });

  it('a policy on a role of its own (not a SamlFederation) has no identity to evaluate as', () => {
    const synthesized = stackWith((stack) => {
      const role = new IamRole(stack, 'role', { name: 'own', assumeRolePolicy: '{}' });
      policy(stack).attachToRole(role);
    });
    expect(() => readStackAccess(synthesized)).toThrow(
      new NoAccessModelError('app', 'no SamlFederation role and no IdentityCenterPermissionSet'),
    );
  });

  it('a policy rendered but attached to nothing is not found', () => {
    const synthesized = stackWith((stack) => void policy(stack));
    expect(() => readStackAccess(synthesized)).toThrow(/no SessionAccessPolicy attached to a role/);
  });

  it('refuses metadata written by a newer version of the package, saying what to do', () => {
    const synthesized = stackWith((stack) => {
      const federation = new SamlFederation(stack, 'federation', {
        accountId,
        providerName: 'Corp',
        metadataXml,
        roleName: 'r',
      });
      policy(stack).attachToRole(federation.role);
    });
    const [described] = describedResources(synthesized);
    synthesized.json.resource[described.type][described.name]['//']['ssm-federated-access'].version = 99;
    expect(() => readStackAccess(synthesized)).toThrow(
      /synthesized by a newer ssm-federated-access \(review metadata version 99\); update the package that runs the review/,
    );
  });
});
