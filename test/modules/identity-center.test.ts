import { TerraformStack, Testing } from 'cdktf';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import { ConfigError, loadEnvironment } from '../../modules/environment/load-environment';
import {
  IdentityCenterPermissionSet,
  type IdentityCenterPermissionSetProps,
} from '../../modules/identity-center/identity-center-permission-set';
import { SessionAccessPolicy } from '../../modules/session-access-policy/session-access-policy';
import { IDENTITY_CENTER_TEST_SOURCE } from '../support/identity-center-source';
import { policyAt } from '../support/policies';
import { type SynthesizedStack, synthesize } from '../support/synth';
import { planOffline, terraformVersion } from '../support/terraform';
import { InvalidConstruct, validated } from '../support/validation';

const ACCOUNT = '222222222222';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-0123456789abcdef';
const GROUP = '9067a3e6d2-0123abcd-4567-89ab-cdef-0123456789ab';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function synthPermissionSet(overrides: Partial<IdentityCenterPermissionSetProps> = {}, abac = false): any {
  const stack = new TerraformStack(Testing.app(), 'test');
  const sessionAccessPolicy = new SessionAccessPolicy(stack, 'session-access', {
    accountId: ACCOUNT,
    regions: ['eu-west-1'],
    environment: 'test',
    rules: abac
      ? { ownerRule: true, attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 } }
      : { ownerRule: true },
  });
  validated(
    () =>
      new IdentityCenterPermissionSet(stack, 'identity-center', {
        instanceArn: INSTANCE,
        permissionSetName: 'SsmShellAccess',
        sessionAccessPolicy,
        accountId: ACCOUNT,
        ...overrides,
      }),
  );
  return { json: JSON.parse(Testing.synth(stack)), policy: sessionAccessPolicy };
}

describe('IdentityCenterPermissionSet', () => {
  it('creates the permission set with a bounded session and the session access policy inline', () => {
    const { json, policy } = synthPermissionSet({ sessionDurationHours: 4 });
    const [permissionSet] = Object.values(json.resource.aws_ssoadmin_permission_set) as Record<string, string>[];
    const [inline] = Object.values(json.resource.aws_ssoadmin_permission_set_inline_policy) as Record<string, string>[];
    expect(permissionSet).toMatchObject({ name: 'SsmShellAccess', instance_arn: INSTANCE, session_duration: 'PT4H' });
    expect(inline.inline_policy).toBe(policy.json);
    expect(inline.inline_policy).toContain('$${aws:userid}');
    expect(inline.permission_set_arn).toMatch(/^\$\{aws_ssoadmin_permission_set\.[\w-]+\.arn\}$/);
  });

  it('maps SSMSessionRunAs from the user name by default, escaped so Terraform reads ${path:...} verbatim', () => {
    const { json } = synthPermissionSet();
    const [attributes] = Object.values(json.resource.aws_ssoadmin_instance_access_control_attributes) as {
      instance_arn: string;
      attribute: unknown;
    }[];
    expect(attributes.attribute).toEqual([{ key: 'SSMSessionRunAs', value: [{ source: ['$${path:userName}'] }] }]);
  });

  it('maps every ABAC principal tag the rules read, and refuses to leave one out', () => {
    const sources = { AppId: '${path:enterprise.costCenter}', AppId2: '${path:enterprise.division}' };
    const { json } = synthPermissionSet({ attributeSources: sources, runAsSource: '${path:name.givenName}' }, true);
    const [attributes] = Object.values(json.resource.aws_ssoadmin_instance_access_control_attributes) as {
      attribute: unknown;
    }[];
    expect(attributes.attribute).toEqual([
      { key: 'SSMSessionRunAs', value: [{ source: ['$${path:name.givenName}'] }] },
      { key: 'AppId', value: [{ source: ['$${path:enterprise.costCenter}'] }] },
      { key: 'AppId2', value: [{ source: ['$${path:enterprise.division}'] }] },
    ]);
    expect(() => synthPermissionSet({ attributeSources: { AppId: sources.AppId } }, true)).toThrow(
      'attributeSources must map the principal tag AppId2, which the access rules read',
    );
  });

  it('leaves the instance-wide attributes alone when another stack manages them', () => {
    const { json } = synthPermissionSet({ manageAccessControlAttributes: false });
    expect(json.resource.aws_ssoadmin_instance_access_control_attributes).toBeUndefined();
  });

  it('assigns the permission set to groups in the account, after the policy is in place', () => {
    const { json } = synthPermissionSet({ assignments: [{ principalType: 'GROUP', principalId: GROUP }] });
    const [assignment] = Object.values(json.resource.aws_ssoadmin_account_assignment) as Record<string, unknown>[];
    expect(assignment).toMatchObject({
      principal_type: 'GROUP',
      principal_id: GROUP,
      target_type: 'AWS_ACCOUNT',
      target_id: ACCOUNT,
      depends_on: [expect.stringMatching(/^aws_ssoadmin_permission_set_inline_policy\./)],
    });
  });

  it.each<[string, Partial<IdentityCenterPermissionSetProps>, string]>([
    [
      'a bad instance ARN',
      { instanceArn: 'arn:aws:sso:::instance/nope' },
      'instanceArn must be an IAM Identity Center instance ARN',
    ],
    [
      'a long name',
      { permissionSetName: 'x'.repeat(33) },
      'permissionSetName must be a permission set name (1-32 characters',
    ],
    ['13 hours', { sessionDurationHours: 13 }, 'sessionDurationHours must be a whole number of hours from 1 to 12'],
    ['a source that is no path', { runAsSource: 'userName' }, 'must be an Identity Center attribute path'],
    [
      'a bad principal id',
      { assignments: [{ principalType: 'GROUP', principalId: 'admins' }] },
      'must be an identity store user or group id',
    ],
  ])('rejects %s before creating anything', (_, overrides, message) => {
    expect(() => synthPermissionSet(overrides)).toThrow(InvalidConstruct);
    expect(() => synthPermissionSet(overrides)).toThrow(message);
  });
});

describe('an environment whose identity source is Identity Center', () => {
  let stack: SynthesizedStack;

  beforeAll(() => {
    stack = synthesize([IDENTITY_CENTER_TEST_SOURCE]).stacks.get('ic-example')!;
  });

  it('has a permission set instead of the SAML provider and federated role', () => {
    const resources = stack.json.resource;
    expect(resources.aws_iam_saml_provider).toBeUndefined();
    expect(Object.values(resources.aws_iam_role).map((r) => (r as { name: string }).name)).not.toContain('SsmShellDev');
    expect(Object.keys(resources.aws_ssoadmin_permission_set)).toHaveLength(1);
    expect(stack.json.output.federated_role_arn).toBeUndefined();
    expect(stack.json.output.permission_set_arn.value).toMatch(/^\$\{aws_ssoadmin_permission_set\./);
    expect(stack.json.output.identity_center_attributes.value).toEqual({
      SSMSessionRunAs: '$${path:userName}',
      AppId: '$${path:enterprise.costCenter}',
      AppId2: '$${path:enterprise.division}',
    });
  });

  it('manages Identity Center through a provider for the management or delegated admin account', () => {
    const providers = stack.json.provider.aws as Record<string, unknown>[];
    expect(providers.find((p) => p.alias === 'identity_center')).toMatchObject({
      region: 'eu-west-1',
      allowed_account_ids: ['333333333333'],
    });
    for (const type of [
      'aws_ssoadmin_permission_set',
      'aws_ssoadmin_permission_set_inline_policy',
      'aws_ssoadmin_instance_access_control_attributes',
      'aws_ssoadmin_account_assignment',
    ]) {
      for (const resource of Object.values(stack.json.resource[type])) {
        expect((resource as { provider: string }).provider).toBe('aws.identity_center');
      }
    }
  });

  it('assumes a role in the admin account when one is named', () => {
    const input = structuredClone(IDENTITY_CENTER_TEST_SOURCE.input) as EnvironmentInput;
    (input.identity as { adminRoleArn?: string }).adminRoleArn = 'arn:aws:iam::333333333333:role/IdentityCenterDeploy';
    const synthesized = synthesize([{ file: 'environments/ic.ts', input }]).stacks.get('ic-example')!;
    const provider = (synthesized.json.provider.aws as Record<string, unknown>[]).find(
      (p) => p.alias === 'identity_center',
    );
    expect(provider?.assume_role).toEqual([
      { role_arn: 'arn:aws:iam::333333333333:role/IdentityCenterDeploy', session_name: 'ic-example-identity-center' },
    ]);
  });

  it('uses the same session access policy a SAML environment would', () => {
    const policy = policyAt(stack, 'aws_ssoadmin_permission_set_inline_policy', 'identity-center/inline-policy');
    expect(policy.Statement.map((s) => s.Sid)).toEqual([
      'ConsoleRead',
      'StartSessionOnOwnInstances',
      'StartSessionByAttributes',
      'StartSessionByAttributes2',
      'StartSessionOnInstancesCreatedByCaller',
      'StartSessionWithAllowedDocuments',
      'ResumeAndTerminateOwnSessions',
      'GenerateSessionDataKey',
      'DenySessionsOutsideTheRegions',
      'DenyAccessTagChanges',
      'DenyOwnershipTagAtLaunch',
      'DenyDeletingAllTags',
      'DenySessionsAsRefusedRunAsUsers',
    ]);
  });

  it('passes terraform validate and an offline plan', () => {
    terraformVersion();
    const result = planOffline(stack.dir, stack.json);
    expect(result.validate).toContain('Success! The configuration is valid.');
    expect(result.plan).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy\./);
    expect(result.plan).toContain('aws_ssoadmin_permission_set.');
    expect(result.plan).toContain('"${path:userName}"');
  });
});

describe('environment files with an Identity Center identity', () => {
  const file = 'environments/ic.ts';
  const withIdentity = (change: (identity: Record<string, unknown>) => void): EnvironmentInput => {
    const input = structuredClone(IDENTITY_CENTER_TEST_SOURCE.input) as EnvironmentInput;
    change(input.identity as unknown as Record<string, unknown>);
    return input;
  };
  const problems = (input: EnvironmentInput): string[] => {
    try {
      loadEnvironment({ file, input });
    } catch (error) {
      if (error instanceof ConfigError) return error.message.split('\n');
      throw error;
    }
    return [];
  };

  it('loads without reading any SAML metadata, with defaults applied', () => {
    const config = loadEnvironment({ file, input: IDENTITY_CENTER_TEST_SOURCE.input });
    expect(config.samlMetadataXml).toBeUndefined();
    expect(config.identity).toMatchObject({
      type: 'identity-center',
      runAsAttribute: '${path:userName}',
      manageAccessControlAttributes: true,
    });
  });

  it('names a principal tag the rules read that no attribute maps', () => {
    expect(
      problems(withIdentity((identity) => (identity.attributePaths = { AppId: '${path:enterprise.costCenter}' }))),
    ).toEqual([
      expect.stringMatching(
        /^environments\/ic\.ts: identity\.attributePaths must map the principal tag AppId2, which the access rules read/,
      ),
    ]);
  });

  it.each<[string, (identity: Record<string, unknown>) => void, RegExp]>([
    [
      'instance ARN',
      (i) => (i.instanceArn = 'ssoins-1'),
      /identity\.instanceArn must be an IAM Identity Center instance ARN/,
    ],
    ['admin account', (i) => (i.adminAccountId = '3333'), /identity\.adminAccountId must be the 12-digit id/],
    [
      'run-as attribute',
      (i) => (i.runAsAttribute = 'userName'),
      /identity\.runAsAttribute must be an Identity Center attribute path/,
    ],
    [
      'session duration',
      (i) => (i.sessionDurationHours = 24),
      /identity\.sessionDurationHours must be a whole number of hours/,
    ],
    ['unknown field', (i) => (i.providerName = 'x'), /identity has unknown field\(s\) providerName/],
  ])('rejects a bad %s', (_, change, message) => {
    expect(problems(withIdentity(change))).toEqual([expect.stringMatching(message)]);
  });

  it('rejects an unknown identity type, naming both known ones', () => {
    expect(problems(withIdentity((identity) => (identity.type = 'oidc')))).toEqual([
      expect.stringContaining('identity.type must be an identity source with type "saml" or "identity-center"'),
    ]);
  });
});
