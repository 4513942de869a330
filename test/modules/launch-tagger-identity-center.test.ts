import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { decide as decideLaunch, decideTagMode } from '../../handlers/launch-tagger/decide';
import { parseRunInstancesEvent } from '../../handlers/launch-tagger/event';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { IdentityCenterPermissionSet } from '../../modules/identity-center/identity-center-permission-set';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { SessionAccessPolicy } from '../../modules/session-access-policy/session-access-policy';
import { IDP_METADATA } from '../support/saml-metadata';
import { validated } from '../support/validation';
import { LaunchTagger, type LaunchTaggerProps } from '../../modules/launch-tagger/launch-tagger';
import { IDENTITY_CENTER_TEST_SOURCE } from '../support/identity-center-source';
import { synthStack } from '../support/construct-synth';
import { decide } from '../support/iam';
import { policyAt } from '../support/policies';
import { type SynthesizedStack, resourceAt, synthesize } from '../support/synth';
import {
  PERMISSION_SET_ROLE_ID,
  PERMISSION_SET_ROLE_NAME,
  PERMISSION_SET_ROLE_PATH,
  fixture,
  identityCenterConfig,
} from '../handlers/launch-tagger/fixtures';

/**
 * The launch tagger of an Identity Center environment: deployed by default, told the permission
 * set's name instead of a role id, and confined to owner values shaped like a role session's
 * aws:userid. End to end: the owner value the handler decides from a recorded Identity Center
 * event is one its role may write and one the permission set's policy then matches.
 */

const ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const { stacks } = synthesize([IDENTITY_CENTER_TEST_SOURCE]);
const stack = stacks.get('ic-example')!;
const taggerPolicy = policyAt(stack, 'aws_iam_role_policy', `launch-tagger-${REGION}/role_policy`);
const sessionPolicy = policyAt(stack, 'aws_ssoadmin_permission_set_inline_policy', 'identity-center/inline-policy');

const props: LaunchTaggerProps = {
  accountId: ACCOUNT,
  region: REGION,
  name: 'ic-launch-tagger',
  launcherRoleNames: ['ServiceWorkbenchLauncher'],
};

/** The permission set people launch with, and the policy it carries, in `scope`. */
function permissionSetIn(scope: TerraformStack, permissionSetName = 'SsmShellAccess'): IdentityCenterPermissionSet {
  const sessionAccessPolicy = new SessionAccessPolicy(scope, 'session-access', {
    accountId: ACCOUNT,
    regions: [REGION],
    environment: 'test',
  });
  return new IdentityCenterPermissionSet(scope, 'permission-set', {
    instanceArn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef',
    permissionSetName,
    sessionAccessPolicy,
    accountId: ACCOUNT,
  });
}

function synthTagger(overrides: Partial<LaunchTaggerProps> = {}): SynthesizedStack {
  const taggerStack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(taggerStack, 'aws', { region: REGION, allowedAccountIds: [ACCOUNT] });
  new LaunchTagger(taggerStack, 'tagger', { ...props, permissionSet: permissionSetIn(taggerStack), ...overrides });
  return synthStack(taggerStack);
}

function taggerRequest(
  action: string,
  resource: string,
  context: Record<string, string | string[]>,
  policy: PolicyDocument,
) {
  return decide({
    request: {
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/ic-example-launch-tagger-${REGION}/ic-example-launch-tagger`,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: { 'aws:RequestedRegion': REGION, ...context },
    },
    identityPolicies: [{ name: 'launch-tagger', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
}

const instance = (id = 'i-0e1f2a3b4c5d60011', region = REGION, account = ACCOUNT) =>
  `arn:aws:ec2:${region}:${account}:instance/${id}`;
const ownerTag = (value: string) => ({ 'aws:TagKeys': ['AwsUserId'], 'aws:RequestTag/AwsUserId': value });

describe('an Identity Center environment deploys the launch tagger', () => {
  it('in every region, told the permission set (no role id, no SAML role)', () => {
    for (const region of ['eu-west-1', 'eu-north-1']) {
      const fn = resourceAt(stack, 'aws_lambda_function', `launch-tagger-${region}/function`);
      expect(fn.environment.variables).toEqual({ PERMISSION_SET_NAME: 'SsmShellAccess' });
    }
  });

  it('its role tags instances of the account and region with role-session-shaped owners only', async () => {
    await expect(
      taggerRequest(
        'ec2:CreateTags',
        instance(),
        ownerTag(`${PERMISSION_SET_ROLE_ID}:alice@example.com`),
        taggerPolicy,
      ),
    ).resolves.toBe('Allowed');
    for (const value of ['alice@example.com', `${PERMISSION_SET_ROLE_ID}:`, 'AIDAEXAMPLEUSER00001:alice', ':alice']) {
      await expect(taggerRequest('ec2:CreateTags', instance(), ownerTag(value), taggerPolicy)).resolves.toBe(
        'ImplicitlyDenied',
      );
    }
    await expect(
      taggerRequest(
        'ec2:CreateTags',
        instance(undefined, 'us-east-1'),
        ownerTag(`${PERMISSION_SET_ROLE_ID}:alice@example.com`),
        taggerPolicy,
      ),
    ).resolves.toBe('ImplicitlyDenied');
    await expect(
      taggerRequest(
        'ec2:CreateTags',
        instance(undefined, REGION, '999999999999'),
        ownerTag(`${PERMISSION_SET_ROLE_ID}:alice@example.com`),
        taggerPolicy,
      ),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('caller mode only (no launchers): no IAM and no DescribeInstances', async () => {
    expect(taggerPolicy.Statement.map((s) => s.Sid)).toEqual([
      'TagInstancesWithOwnerOnly',
      'WriteOwnLogs',
      'SendTraces',
      'DeadLetterFailedEvents',
      'EncryptDeadLetters',
    ]);
    await expect(taggerRequest('iam:ListRoles', '*', {}, taggerPolicy)).resolves.toBe('ImplicitlyDenied');
  });
});

describe('an Identity Center tagger with launchers (tag mode)', () => {
  const tagged = synthTagger();
  const policy = policyAt(tagged, 'aws_iam_role_policy', 'tagger/role_policy');

  it('may list roles (read-only) to find the permission set role, and nothing else in IAM', async () => {
    expect(policy.Statement.find((s) => s.Sid === 'FindPermissionSetRole')).toEqual({
      Sid: 'FindPermissionSetRole',
      Effect: 'Allow',
      Action: ['iam:ListRoles'],
      Resource: ['*'],
    });
    await expect(taggerRequest('iam:ListRoles', '*', {}, policy)).resolves.toBe('Allowed');
    const reserved = `arn:aws:iam::${ACCOUNT}:role${PERMISSION_SET_ROLE_PATH}${PERMISSION_SET_ROLE_NAME}`;
    for (const action of ['iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole', 'iam:TagRole']) {
      await expect(taggerRequest(action, reserved, {}, policy)).resolves.toBe('ImplicitlyDenied');
    }
  });

  it('its function is told the permission set and the launchers', () => {
    expect(resourceAt(tagged, 'aws_lambda_function', 'tagger/function').environment.variables).toEqual({
      PERMISSION_SET_NAME: 'SsmShellAccess',
      LAUNCHER_ROLE_NAMES: 'ServiceWorkbenchLauncher',
    });
  });

  it.each<[string, (scope: TerraformStack) => Partial<LaunchTaggerProps>, string]>([
    [
      'both identity sources',
      (scope) => ({
        permissionSet: permissionSetIn(scope),
        federation: new SamlFederation(scope, 'federation', {
          accountId: ACCOUNT,
          providerName: 'ExampleAdfs',
          metadataXml: IDP_METADATA,
          roleName: 'SsmFederatedShell',
        }),
      }),
      'bad/tagger: permissionSet must not be given with federation',
    ],
    ['neither', () => ({}), 'bad/tagger: federation must be given'],
  ])('refuses %s', (_label, overrides, message) => {
    const bad = new TerraformStack(Testing.app(), 'bad');
    new AwsProvider(bad, 'aws', { region: REGION });
    expect(() => validated(() => new LaunchTagger(bad, 'tagger', { ...props, ...overrides(bad) }))).toThrow(message);
  });
});

describe('end to end: recorded Identity Center launches satisfy the owner rule', () => {
  const session = (name: string) => ({
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${PERMISSION_SET_ROLE_NAME}/${name}`,
    userid: `${PERMISSION_SET_ROLE_ID}:${name}`,
  });
  const startSession = (who: ReturnType<typeof session>, owner: string) =>
    decide({
      request: {
        principal: who.principal,
        action: 'ssm:StartSession',
        resource: { resource: instance(), accountId: ACCOUNT },
        contextVariables: {
          'aws:userid': who.userid,
          'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role${PERMISSION_SET_ROLE_PATH}${PERMISSION_SET_ROLE_NAME}`,
          'ssm:SessionDocumentAccessCheck': 'true',
          'ssm:resourceTag/AwsUserId': owner,
        },
      },
      identityPolicies: [{ name: 'permission-set', policy: sessionPolicy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    });

  it('caller mode: alice launches, the tagger writes her aws:userid, she may start a session and bob may not', async () => {
    const decision = decideLaunch(
      parseRunInstancesEvent(fixture('run-instances-identity-center')),
      identityCenterConfig,
    );
    if (decision.kind !== 'tag') throw new Error(`expected a tag decision, got ${decision.kind}`);
    const [{ owner }] = decision.targets;
    await expect(taggerRequest('ec2:CreateTags', instance(), ownerTag(owner), taggerPolicy)).resolves.toBe('Allowed');
    await expect(startSession(session('alice@example.com'), owner)).resolves.toBe('Allowed');
    await expect(startSession(session('bob@example.com'), owner)).resolves.toBe('ImplicitlyDenied');
  });

  it('tag mode: a launcher launches for bob; with the looked-up role id he may start a session, alice may not', async () => {
    const event = parseRunInstancesEvent(fixture('run-instances-identity-center-launcher-created-by'));
    const first = decideLaunch(event, identityCenterConfig);
    if (first.kind !== 'lookup') throw new Error(`expected a lookup, got ${first.kind}`);
    const decision = decideTagMode(event, PERMISSION_SET_ROLE_ID, first.known);
    if (decision.kind !== 'tag') throw new Error(`expected a tag decision, got ${decision.kind}`);
    const [{ owner }] = decision.targets;
    await expect(
      taggerRequest('ec2:CreateTags', instance('i-0e1f2a3b4c5d60013'), ownerTag(owner), taggerPolicy),
    ).resolves.toBe('Allowed');
    await expect(startSession(session('bob@example.com'), owner)).resolves.toBe('Allowed');
    await expect(startSession(session('alice@example.com'), owner)).resolves.toBe('ImplicitlyDenied');
  });
});
