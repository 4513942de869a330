import type { Simulation } from '@cloud-copilot/iam-simulate';
import { TerraformStack, Testing } from 'cdktf';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import { ConfigError, type EnvironmentSource, loadEnvironment } from '../../modules/environment/load-environment';
import { type PolicyDocument, mergeConditions } from '../../modules/core/policy-document';
import { quotaSize } from '../../modules/core/policy-lint';
import { RUN_AS_GUARD_SIDS, refusedRunAsUsers } from '../../modules/core/run-as-guard';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { SessionAccessPolicy } from '../../modules/session-access-policy/session-access-policy';
import { MODULE_FIXTURE, MODULE_FIXTURE_JIT_SOURCE } from '../fixtures/environments/module-fixtures';
import { IDENTITY_CENTER_TEST_SOURCE } from '../support/identity-center-source';
import { decide } from '../support/iam';
import { policyAt, synthesizedPolicies } from '../support/policies';
import { IDP_METADATA } from '../support/saml-metadata';
import { type SynthesizedStack, readPolicy, synthesize } from '../support/synth';
import { validated } from '../support/validation';

// The run-as guard on both sides, evaluated by the IAM evaluator on the policies as synthesized:
// the SAML trust at sign-in, and the session policy (the SAML role's and the Identity Center
// permission set's) at StartSession. Expected outcomes are written from the design.

type Guard = { allowSharedDefaultUser?: boolean; deniedUsers?: string[]; allowedPattern?: string };
const VARIANTS: Record<string, Guard> = {
  default: {},
  shared: { allowSharedDefaultUser: true, deniedUsers: ['ops'] },
  pattern: { allowedPattern: 'u-*' },
};

function samlSource(variant: string, guard: Guard): EnvironmentSource {
  const input = structuredClone(MODULE_FIXTURE) as EnvironmentInput;
  input.name = `saml-${variant}`;
  input.runAs = { ...input.runAs!, ...guard };
  return { file: `environments/saml-${variant}.ts`, input };
}

function identityCenterSource(variant: string, guard: Guard): EnvironmentSource {
  const input = structuredClone(IDENTITY_CENTER_TEST_SOURCE.input) as EnvironmentInput;
  input.name = `ic-${variant}`;
  input.runAs = { ...input.runAs!, ...guard };
  return { file: `environments/ic-${variant}.ts`, input };
}

let stacks: Map<string, SynthesizedStack>;
beforeAll(() => {
  stacks = synthesize([
    ...Object.entries(VARIANTS).map(([variant, guard]) => samlSource(variant, guard)),
    ...Object.entries(VARIANTS).map(([variant, guard]) => identityCenterSource(variant, guard)),
  ]).stacks;
});

// Each row: the tag value the IdP sends, and whether each variant lets it through.
const CASES: [string, { default: boolean; shared: boolean; pattern: boolean }][] = [
  ['alice', { default: true, shared: true, pattern: false }],
  ['u-alice', { default: true, shared: true, pattern: true }],
  ['root', { default: false, shared: false, pattern: false }],
  ['ROOT', { default: false, shared: false, pattern: false }],
  ['Root', { default: false, shared: false, pattern: false }],
  ['ssm-user', { default: false, shared: true, pattern: false }],
  ['SSM-User', { default: false, shared: true, pattern: false }],
  // Listed by default; the shared variant's own list replaces the default one.
  ['ec2-user', { default: false, shared: true, pattern: false }],
  ['Ubuntu', { default: false, shared: true, pattern: false }],
  ['OPS', { default: true, shared: false, pattern: false }],
];
const rows = (['default', 'shared', 'pattern'] as const).flatMap((variant) =>
  CASES.map(([value, allowed]) => [variant, value, allowed[variant] ? 'allowed' : 'refused'] as const),
);

describe('SAML trust: no sign-in sets a refused SSMSessionRunAs', () => {
  const ACCOUNT = '111111111111';
  const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleAdfs`;
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/SsmFederatedShell`;

  const trustOf = (variant: string): PolicyDocument => {
    const roles = stacks.get(`saml-${variant}`)!.json.resource.aws_iam_role as Record<string, Record<string, string>>;
    const role = Object.values(roles).find((r) => r.name === 'SsmFederatedShell')!;
    return readPolicy(role.assume_role_policy);
  };
  const signIn = (trust: PolicyDocument, action: string, runAs: string): Promise<string> =>
    decide({
      request: {
        principal: PROVIDER,
        action,
        resource: { resource: ROLE, accountId: ACCOUNT },
        contextVariables: {
          'saml:aud': 'https://signin.aws.amazon.com/saml',
          'aws:RequestTag/SSMSessionRunAs': runAs,
          'aws:TagKeys': ['SSMSessionRunAs'],
        },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
    });

  it.each(rows)('%s guard: %s -> %s', async (variant, value, allowed) => {
    const trust = trustOf(variant);
    for (const action of ['sts:AssumeRoleWithSAML', 'sts:TagSession']) {
      await expect(signIn(trust, action, value)).resolves.toBe(allowed === 'allowed' ? 'Allowed' : 'ImplicitlyDenied');
    }
  });

  it('the refusal is the case-insensitive condition: without it, ROOT and ssm-user would sign in', async () => {
    const trust = trustOf('default');
    const [statement] = trust.Statement;
    const { StringNotEqualsIgnoreCase: refused, ...rest } = statement.Condition!;
    expect(refused).toEqual({ 'aws:RequestTag/SSMSessionRunAs': refusedRunAsUsers() });
    const unguarded: PolicyDocument = { ...trust, Statement: [{ ...statement, Condition: rest }] };
    await expect(signIn(unguarded, 'sts:AssumeRoleWithSAML', 'ROOT')).resolves.toBe('Allowed');
    await expect(signIn(unguarded, 'sts:TagSession', 'ssm-user')).resolves.toBe('Allowed');
    await expect(signIn(trust, 'sts:AssumeRoleWithSAML', 'ROOT')).resolves.toBe('ImplicitlyDenied');
  });

  it('with run-as off, a sign-in without the tag passes and one with a refused tag does not', async () => {
    const stack = new TerraformStack(Testing.app(), 'off');
    const federation = new SamlFederation(stack, 'federation', {
      accountId: ACCOUNT,
      providerName: 'ExampleAdfs',
      metadataXml: IDP_METADATA,
      roleName: 'SsmFederatedShell',
      requireRunAsTag: false,
    });
    const trust = federation.trustPolicy;
    await expect(signIn(trust, 'sts:AssumeRoleWithSAML', 'Root')).resolves.toBe('ImplicitlyDenied');
    await expect(signIn(trust, 'sts:AssumeRoleWithSAML', 'alice')).resolves.toBe('Allowed');
    await expect(
      decide({
        request: {
          principal: PROVIDER,
          action: 'sts:AssumeRoleWithSAML',
          resource: { resource: ROLE, accountId: ACCOUNT },
          contextVariables: { 'saml:aud': 'https://signin.aws.amazon.com/saml' },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: trust,
      }),
    ).resolves.toBe('Allowed');
  });
});

describe.each([
  ['SAML role', 'saml', 'aws_iam_role_policy', 'session-access/role-policy'],
  [
    'Identity Center permission set',
    'ic',
    'aws_ssoadmin_permission_set_inline_policy',
    'identity-center/inline-policy',
  ],
] as const)('%s policy: no session runs as a refused user', (_label, prefix, type, path) => {
  const identityCenter = prefix === 'ic';
  const account = identityCenter ? '222222222222' : '111111111111';
  const roleName = identityCenter ? 'AWSReservedSSO_SsmShellAccess_0123456789abcdef' : 'SsmFederatedShell';
  const rolePath = identityCenter ? 'aws-reserved/sso.amazonaws.com/eu-west-1/' : '';
  const userid = 'AROAEXAMPLEROLEID0001:alice';
  const policyOf = (variant: string) => policyAt(stacks.get(`${prefix}-${variant}`)!, type, path);

  // alice's own instance (the owner rule): only the run-as tag decides.
  const startSession = (policy: PolicyDocument, runAs: string | undefined): Promise<string> => {
    const simulation: Simulation = {
      request: {
        principal: `arn:aws:sts::${account}:assumed-role/${roleName}/alice`,
        action: 'ssm:StartSession',
        resource: { resource: `arn:aws:ec2:eu-west-1:${account}:instance/i-0123456789abcdef0`, accountId: account },
        contextVariables: {
          'aws:userid': userid,
          'aws:PrincipalArn': `arn:aws:iam::${account}:role/${rolePath}${roleName}`,
          'ssm:SessionDocumentAccessCheck': 'true',
          'ssm:resourceTag/AwsUserId': userid,
          ...(runAs === undefined ? {} : { 'aws:PrincipalTag/SSMSessionRunAs': runAs }),
        },
      },
      identityPolicies: [{ name: 'session-access', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    return decide(simulation);
  };

  it.each(rows)('%s guard: %s -> %s', async (variant, value, allowed) => {
    await expect(startSession(policyOf(variant), value)).resolves.toBe(
      allowed === 'allowed' ? 'Allowed' : 'ExplicitlyDenied',
    );
  });

  it('the Deny is what refuses: without it, ROOT and SSM-User would open a session', async () => {
    const policy = policyOf('default');
    const unguarded: PolicyDocument = {
      ...policy,
      Statement: policy.Statement.filter((s) => s.Sid !== RUN_AS_GUARD_SIDS.refusedUsers),
    };
    await expect(startSession(unguarded, 'ROOT')).resolves.toBe('Allowed');
    await expect(startSession(unguarded, 'SSM-User')).resolves.toBe('Allowed');
    await expect(startSession(policy, 'ROOT')).resolves.toBe('ExplicitlyDenied');
  });

  it('a caller without the tag is not denied (its sessions run as the default user), with or without a pattern', async () => {
    await expect(startSession(policyOf('default'), undefined)).resolves.toBe('Allowed');
    await expect(startSession(policyOf('pattern'), undefined)).resolves.toBe('Allowed');
  });
});

describe('every policy that can allow a session carries the guard', () => {
  it('in SAML and Identity Center environments, and in a just-in-time one with break-glass', () => {
    const justInTime = synthesize([MODULE_FIXTURE_JIT_SOURCE]).stacks.get(MODULE_FIXTURE_JIT_SOURCE.input.name)!;
    // The policies that grant: inline role policies and permission sets' (a permissions boundary grants nothing).
    const granting = /^(aws_iam_role_policy|aws_ssoadmin_permission_set_inline_policy)\./;
    const unguarded = [...stacks.values(), justInTime].flatMap((stack) =>
      synthesizedPolicies(stack)
        .filter(({ where }) => granting.test(where))
        .filter(({ document }) =>
          document.Statement.some((s) => s.Effect === 'Allow' && [s.Action].flat().includes('ssm:StartSession')),
        )
        .filter(({ document }) => !document.Statement.some((s) => s.Sid === RUN_AS_GUARD_SIDS.refusedUsers))
        .map(({ where }) => `${stack.name}: ${where}`),
    );
    expect(unguarded).toEqual([]);
  });
});

describe('run-as guard settings', () => {
  it('refuses root and ssm-user always (ssm-user unless allowed), then the list, lower-case and once each', () => {
    expect(refusedRunAsUsers({ deniedUsers: [] })).toEqual(['root', 'ssm-user']);
    expect(refusedRunAsUsers({ allowSharedDefaultUser: true, deniedUsers: ['Root', 'OPS', 'ops'] })).toEqual([
      'root',
      'ops',
    ]);
    expect(refusedRunAsUsers()).toEqual(expect.arrayContaining(['root', 'ssm-user', 'ec2-user', 'ubuntu', 'admin']));
  });

  it.each<[string, Guard, string]>([
    [
      'a pattern that matches an empty tag',
      { allowedPattern: '*' },
      'runAs.allowedPattern must be an IAM StringLike pattern',
    ],
    ['a regular expression', { allowedPattern: '^u-.*$' }, 'runAs.allowedPattern must be an IAM StringLike pattern'],
    ['a user name with a space', { deniedUsers: ['web admin'] }, 'runAs.deniedUsers.0 must be an OS user name'],
  ])('an environment file refuses %s', (_label, guard, message) => {
    const input = structuredClone(MODULE_FIXTURE) as EnvironmentInput;
    input.runAs = { ...input.runAs!, ...guard };
    expect(() => loadEnvironment({ file: 'environments/test.ts', input })).toThrow(ConfigError);
    expect(() => loadEnvironment({ file: 'environments/test.ts', input })).toThrow(`environments/test.ts: ${message}`);
  });

  it('the constructs refuse the same, naming their prop', () => {
    const stack = new TerraformStack(Testing.app(), 'props');
    expect(() =>
      validated(
        () =>
          new SessionAccessPolicy(stack, 'session-access', {
            accountId: '111111111111',
            regions: ['eu-west-1'],
            environment: 'test',
            runAsGuard: { allowedPattern: '**' },
          }),
      ),
    ).toThrow('props/session-access: runAsGuard.allowedPattern must be an IAM StringLike pattern');
  });

  it('merging condition blocks refuses a key given twice under one operator', () => {
    expect(mergeConditions({ StringLike: { a: '1' } }, { StringLike: { b: '2' }, Null: { c: 'false' } })).toEqual({
      StringLike: { a: '1', b: '2' },
      Null: { c: 'false' },
    });
    expect(() => mergeConditions({ StringLike: { a: '1' } }, { StringLike: { a: '2' } })).toThrow('given twice');
  });

  it('costs the session policy a few hundred characters of its quota', () => {
    const size = (guard: Guard | undefined) =>
      quotaSize(
        new SessionAccessPolicy(new TerraformStack(Testing.app(), 'size'), 'session-access', {
          accountId: '111111111111',
          regions: ['eu-west-1', 'us-east-1'],
          environment: 'test',
          ...(guard ? { runAsGuard: guard } : {}),
        }).document,
      );
    const withDefaults = size(undefined);
    const withPattern = size({ allowedPattern: 'u-*' });
    expect(withPattern - withDefaults).toBeLessThan(250);
  });
});
