import { CreateTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { decide } from '../../../handlers/launch-tagger/decide';
import { PermissionSetNotProvisionedError } from '../../../handlers/launch-tagger/errors';
import { parseRunInstancesEvent } from '../../../handlers/launch-tagger/event';
import { type DecisionLogger, handleEvent } from '../../../handlers/launch-tagger/handle';
import {
  IDENTITY_CENTER_ROLE_PATH,
  cachedPermissionSetRole,
  isPermissionSetRoleArn,
  lookUpPermissionSetRole,
  permissionSetRoleNamePattern,
} from '../../../handlers/launch-tagger/permission-set-role';
import {
  PERMISSION_SET_NAME,
  PERMISSION_SET_ROLE_ID,
  PERMISSION_SET_ROLE_NAME,
  PERMISSION_SET_ROLE_PATH,
  config as samlConfig,
  fixture,
  identityCenterConfig as config,
} from './fixtures';

/**
 * Identity Center environments: people launch as `AWSReservedSSO_<permission set>_<suffix>`, a
 * role Identity Center provisions, so the function recognises its sessions by the reserved path
 * and name (caller mode) and looks the role's unique id up with IAM for launchers (tag mode).
 * The events are recorded-shape CloudTrail events of an Identity Center session.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ec2Mock = mockClient(EC2Client);
const iamMock = mockClient(IAMClient);
const ec2 = new EC2Client({ region: 'eu-west-1' });
const iam = new IAMClient({ region: 'eu-west-1' });
const ACCOUNT = '222222222222';
const parse = (name: Parameters<typeof fixture>[0]) => parseRunInstancesEvent(fixture(name));
const role = (name: string, id: string, path = PERMISSION_SET_ROLE_PATH) => ({
  Path: path,
  RoleName: name,
  RoleId: id,
  Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
  CreateDate: new Date('2025-10-01T12:00:00Z'),
});

function recordingLogger(): DecisionLogger & {
  lines: { level: string; message: string; data: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; data: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, data: Record<string, unknown>) =>
    void lines.push({ level, message, data });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

beforeEach(() => {
  ec2Mock.reset();
  iamMock.reset();
  ec2Mock.on(CreateTagsCommand).resolves({});
});

describe('permission set role names and ARNs', () => {
  it.each([
    [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/${PERMISSION_SET_ROLE_NAME}`, true],
    [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${PERMISSION_SET_ROLE_NAME}`, true],
    // Another account, another path, another permission set, a longer name with the same start.
    [`arn:aws:iam::999999999999:role/aws-reserved/sso.amazonaws.com/${PERMISSION_SET_ROLE_NAME}`, false],
    [`arn:aws:iam::${ACCOUNT}:role/${PERMISSION_SET_ROLE_NAME}`, false],
    [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`, false],
    [
      `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SsmShellAccess_Admin_0123456789abcdef`,
      false,
    ],
    [`arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SsmShellAccess_0123`, false],
  ])('%s -> %s', (arn, expected) => {
    expect(isPermissionSetRoleArn(arn, PERMISSION_SET_NAME, ACCOUNT)).toBe(expected);
  });

  it('escapes the characters of a permission set name that mean something in a pattern', () => {
    expect(permissionSetRoleNamePattern('a.b').test('AWSReservedSSO_a.b_0123456789abcdef')).toBe(true);
    expect(permissionSetRoleNamePattern('a.b').test('AWSReservedSSO_axb_0123456789abcdef')).toBe(false);
  });
});

describe('decide, Identity Center', () => {
  it("caller mode: the permission set session's principal id is the owner", () => {
    expect(decide(parse('run-instances-identity-center'), config)).toEqual({
      kind: 'tag',
      mode: 'caller',
      targets: [{ owner: `${PERMISSION_SET_ROLE_ID}:alice@example.com`, instanceIds: ['i-0e1f2a3b4c5d60011'] }],
      spoofed: [],
      unowned: [],
    });
  });

  it('skips a session of another permission set', () => {
    expect(decide(parse('run-instances-identity-center-other-permission-set'), config)).toMatchObject({
      kind: 'skip',
      reason: 'caller-not-configured',
    });
  });

  it('skips a role outside the reserved path that is named like the permission set role', () => {
    const event = fixture('run-instances-identity-center');
    event.detail.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${ACCOUNT}:role/${PERMISSION_SET_ROLE_NAME}`;
    expect(decide(parseRunInstancesEvent(event), config)).toMatchObject({ kind: 'skip' });
  });

  it('skips the permission set role of another account', () => {
    const event = fixture('run-instances-identity-center');
    event.account = '999999999999';
    expect(decide(parseRunInstancesEvent(event), config)).toMatchObject({ kind: 'skip' });
  });

  it('a SAML deployment does not take an Identity Center session for its own', () => {
    expect(decide(parse('run-instances-identity-center'), samlConfig)).toMatchObject({ kind: 'skip' });
  });

  it('tag mode: CreatedBy is in the event, the role id is not: a lookup of the role only', () => {
    expect(decide(parse('run-instances-identity-center-launcher-created-by'), config)).toMatchObject({
      kind: 'lookup',
      instanceIds: [],
      known: new Map([['i-0e1f2a3b4c5d60013', 'bob@example.com']]),
    });
  });
});

describe('looking up the permission set role', () => {
  it('lists roles under the reserved path only, and takes the exact name', async () => {
    iamMock.on(ListRolesCommand).resolves({
      Roles: [
        role('AWSReservedSSO_SsmShellAccess_Admin_0123456789abcdef', 'AROA3EXAMPLEWRONG0001'),
        role(PERMISSION_SET_ROLE_NAME, PERMISSION_SET_ROLE_ID),
      ],
      IsTruncated: false,
    });
    await expect(lookUpPermissionSetRole(iam, PERMISSION_SET_NAME)).resolves.toEqual({
      roleName: PERMISSION_SET_ROLE_NAME,
      roleId: PERMISSION_SET_ROLE_ID,
      calls: 1,
    });
    expect(iamMock.commandCalls(ListRolesCommand).map((c) => c.args[0].input)).toEqual([
      { PathPrefix: IDENTITY_CENTER_ROLE_PATH, MaxItems: 1000 },
    ]);
  });

  it('follows the pages', async () => {
    iamMock
      .on(ListRolesCommand, { PathPrefix: IDENTITY_CENTER_ROLE_PATH, MaxItems: 1000 })
      .resolves({
        Roles: [role('AWSReservedSSO_Admin_0123456789abcdef', 'AROA3EXAMPLEADMIN0001')],
        IsTruncated: true,
        Marker: 'm1',
      })
      .on(ListRolesCommand, { PathPrefix: IDENTITY_CENTER_ROLE_PATH, MaxItems: 1000, Marker: 'm1' })
      .resolves({ Roles: [role(PERMISSION_SET_ROLE_NAME, PERMISSION_SET_ROLE_ID)], IsTruncated: false });
    await expect(lookUpPermissionSetRole(iam, PERMISSION_SET_NAME)).resolves.toMatchObject({ calls: 2 });
  });

  it('throws PermissionSetNotProvisionedError when the permission set is not assigned here', async () => {
    iamMock.on(ListRolesCommand).resolves({ Roles: [], IsTruncated: false });
    await expect(lookUpPermissionSetRole(iam, PERMISSION_SET_NAME)).rejects.toThrow(PermissionSetNotProvisionedError);
  });

  it('caches a found role for the execution environment, but not a miss', async () => {
    iamMock
      .on(ListRolesCommand)
      .resolvesOnce({ Roles: [], IsTruncated: false })
      .resolves({ Roles: [role(PERMISSION_SET_ROLE_NAME, PERMISSION_SET_ROLE_ID)], IsTruncated: false });
    const cached = cachedPermissionSetRole(() => lookUpPermissionSetRole(iam, PERMISSION_SET_NAME));
    await expect(cached()).rejects.toThrow(PermissionSetNotProvisionedError);
    await expect(cached()).resolves.toMatchObject({ roleId: PERMISSION_SET_ROLE_ID, calls: 1 });
    await expect(cached()).resolves.toMatchObject({ roleId: PERMISSION_SET_ROLE_ID, calls: 0 });
    expect(iamMock.commandCalls(ListRolesCommand)).toHaveLength(2);
  });
});

describe('handleEvent, Identity Center', () => {
  const run = async (name: Parameters<typeof fixture>[0]) => {
    const logger = recordingLogger();
    const permissionSetRole = cachedPermissionSetRole(() => lookUpPermissionSetRole(iam, PERMISSION_SET_NAME));
    const outcome = handleEvent(fixture(name), { config, ec2, logger, permissionSetRole });
    return { outcome, lines: logger.lines };
  };

  it('caller mode: tags with the session principal id, no IAM call', async () => {
    const { outcome } = await run('run-instances-identity-center');
    await expect(outcome).resolves.toMatchObject({ result: 'tagged', mode: 'caller', awsCalls: 1 });
    expect(iamMock.calls()).toHaveLength(0);
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0].args[0].input).toEqual({
      Resources: ['i-0e1f2a3b4c5d60011'],
      Tags: [{ Key: 'AwsUserId', Value: `${PERMISSION_SET_ROLE_ID}:alice@example.com` }],
    });
  });

  it("tag mode: owner is <permission set role id>:<CreatedBy>, the person's aws:userid", async () => {
    iamMock.on(ListRolesCommand).resolves({ Roles: [role(PERMISSION_SET_ROLE_NAME, PERMISSION_SET_ROLE_ID)] });
    const { outcome } = await run('run-instances-identity-center-launcher-created-by');
    await expect(outcome).resolves.toMatchObject({ result: 'tagged', mode: 'tag', awsCalls: 2 });
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0].args[0].input).toEqual({
      Resources: ['i-0e1f2a3b4c5d60013'],
      Tags: [{ Key: 'AwsUserId', Value: `${PERMISSION_SET_ROLE_ID}:bob@example.com` }],
    });
  });

  it('not provisioned yet: a logged deferral, then the error for the retries and the dead-letter queue', async () => {
    iamMock.on(ListRolesCommand).resolves({ Roles: [] });
    const { outcome, lines } = await run('run-instances-identity-center-launcher-created-by');
    await expect(outcome).rejects.toThrow(PermissionSetNotProvisionedError);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'Deferred a launch',
        data: expect.objectContaining({
          reason: 'permission-set-not-provisioned',
          permissionSetName: PERMISSION_SET_NAME,
          eventId: fixture('run-instances-identity-center-launcher-created-by').id,
        }),
      },
    ]);
    expect(ec2Mock.commandCalls(CreateTagsCommand)).toHaveLength(0);
  });
});
