import { TerraformStack, Testing } from 'cdktf';
import type { PolicyDocument } from '../../modules/core/policy-document';
import {
  SESSION_ACCESS_SIDS as SIDS,
  SessionAccessPolicy,
  type SessionAccessPolicyProps,
} from '../../modules/session-access-policy/session-access-policy';
import { type Decision, evaluate } from '../support/policies';
import { InvalidConstruct, validated } from '../support/validation';
import { RUN_AS_GUARD_SIDS } from '../../modules/core/run-as-guard';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const rules = {
  ownerRule: true,
  attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 1 },
  principalTagOwnerRule: { principalTag: 'UserName', instanceTag: 'CreatedBy' },
};
const base: SessionAccessPolicyProps = {
  accountId: ACCOUNT,
  regions: [REGION],
  environment: 'test',
  rules,
  sessionKmsKeyArns: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`],
};

function build(overrides: Partial<SessionAccessPolicyProps> = {}): SessionAccessPolicy {
  return validated(
    () =>
      new SessionAccessPolicy(new TerraformStack(Testing.app(), 'test'), 'session-access', {
        ...base,
        accessMode: 'just-in-time',
        manualApprovalDocumentNames: ['test-platform-approval'],
        approvalTagKeys: ['Restricted'],
        ...overrides,
      }),
  );
}

const CALLER = `arn:aws:sts::${ACCOUNT}:assumed-role/SsmShell/alice`;
const USERID = 'AROAEXAMPLEID:alice';
const instance = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
const otherRegionInstance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;

async function decide(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<Decision> {
  const result = await evaluate({
    request: {
      principal: CALLER,
      action,
      resource: { resource, accountId: ACCOUNT },
      contextVariables: {
        'aws:userid': USERID,
        'aws:PrincipalTag/AppId': 'billing',
        'aws:PrincipalTag/UserName': 'alice',
        ...context,
      },
    },
    identityPolicies: [{ name: 'session-access', policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
  return result.decision;
}

/** Tags on the instance that every standing rule would match. */
const matchingTags = {
  'ssm:resourceTag/AwsUserId': USERID,
  'ssm:resourceTag/APP_ID': 'billing',
  'ssm:resourceTag/CreatedBy': 'alice',
  'ssm:SessionDocumentAccessCheck': 'true',
};

describe('SessionAccessPolicy in just-in-time mode', () => {
  it('allows no ssm:StartSession at all, and has the requester statements instead', () => {
    const policy = build();
    const startSession = policy.document.Statement.filter(
      (s) => s.Effect === 'Allow' && [s.Action].flat().includes('ssm:StartSession'),
    );
    expect(startSession).toEqual([]);
    expect(policy.document.Statement.map((s) => s.Sid)).toEqual([
      SIDS.consoleRead,
      SIDS.justInTimeConsoleRead,
      SIDS.requestAccess,
      SIDS.accessToken,
      SIDS.approvalPolicies,
      SIDS.cancelRequest,
      SIDS.manualApproval,
      SIDS.ownSessions,
      SIDS.kms,
      SIDS.denyOtherRegions,
      SIDS.denyTagKeys,
      SIDS.denyRequestTag,
      SIDS.denyDeleteAllTags,
      // Kept in just-in-time mode: another policy of the same role might allow sessions.
      RUN_AS_GUARD_SIDS.refusedUsers,
    ]);
    expect(policy.accessMode).toBe('just-in-time');
  });

  it('scopes requests, tokens and approval workflows to the environment', () => {
    const statements = Object.fromEntries(build().document.Statement.map((s) => [s.Sid, s]));
    expect(statements[SIDS.requestAccess]).toEqual({
      Sid: 'RequestJustInTimeAccess',
      Effect: 'Allow',
      Action: 'ssm:StartAccessRequest',
      // Every region by name, the environment's by the Deny of the others.
      Resource: [`arn:aws:ec2:*:${ACCOUNT}:instance/*`, `arn:aws:ssm:*:${ACCOUNT}:managed-instance/mi-*`],
    });
    expect(statements[SIDS.denyOtherRegions]!.Action).toContain('ssm:StartAccessRequest');
    expect(statements[SIDS.accessToken]!.Resource).toEqual([`arn:aws:ssm:*:${ACCOUNT}:opsitem/*`]);
    expect(statements[SIDS.manualApproval]!.Resource).toEqual([
      `arn:aws:ssm:*:${ACCOUNT}:document/test-platform-approval`,
      `arn:aws:ssm:*:${ACCOUNT}:automation-execution/*`,
    ]);
  });

  it('leaves out the approval-workflow statement when there is no manual policy', () => {
    const sids = build({ manualApprovalDocumentNames: [] }).document.Statement.map((s) => s.Sid);
    expect(sids).not.toContain(SIDS.manualApproval);
  });

  it('refuses SSH and port forwarding, naming both fields', () => {
    let problems: readonly string[] = [];
    try {
      build({ sshEnabled: true, portForwardingEnabled: true });
    } catch (error) {
      problems = (error as InvalidConstruct).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^test\/session-access: sshEnabled must be false with accessMode "just-in-time"/),
      expect.stringMatching(
        /^test\/session-access: portForwardingEnabled must be false with accessMode "just-in-time"/,
      ),
    ]);
  });
});

describe('the just-in-time requester, through the IAM evaluator', () => {
  const jit = build().document;
  const standing = new SessionAccessPolicy(new TerraformStack(Testing.app(), 'standing'), 'session-access', base)
    .document;

  it('cannot start a session directly, where the standing policy could', async () => {
    await expect(decide(standing, 'ssm:StartSession', instance, matchingTags)).resolves.toBe('Allowed');
    await expect(decide(jit, 'ssm:StartSession', instance, matchingTags)).resolves.toBe('ImplicitlyDenied');
    const shell = `arn:aws:ssm:${REGION}:${ACCOUNT}:document/SSM-SessionManagerRunShell`;
    await expect(decide(jit, 'ssm:StartSession', shell, { 'ssm:SessionDocumentAccessCheck': 'true' })).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it("can request access to the environment's instances, not to other regions'", async () => {
    await expect(decide(jit, 'ssm:StartAccessRequest', instance)).resolves.toBe('Allowed');
    await expect(decide(jit, 'ssm:StartAccessRequest', otherRegionInstance)).resolves.toBe('ExplicitlyDenied');
    await expect(decide(standing, 'ssm:StartAccessRequest', instance)).resolves.toBe('ImplicitlyDenied');
  });

  it('can get the token of a request in the account, not of another account', async () => {
    await expect(
      decide(jit, 'ssm:GetAccessToken', `arn:aws:ssm:${REGION}:${ACCOUNT}:opsitem/oi-0123456789ab`),
    ).resolves.toBe('Allowed');
    await expect(
      decide(jit, 'ssm:GetAccessToken', `arn:aws:ssm:${REGION}:222222222222:opsitem/oi-0123456789ab`),
    ).resolves.toBe('ImplicitlyDenied');
    // Nor of a region outside the environment: the OpsItem ARNs name every region, the Deny keeps them.
    await expect(
      decide(jit, 'ssm:GetAccessToken', `arn:aws:ssm:ap-south-1:${ACCOUNT}:opsitem/oi-0123456789ab`),
    ).resolves.toBe('ExplicitlyDenied');
  });

  it("can start the approval workflow of the environment's manual policies only", async () => {
    const doc = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:document/${name}`;
    await expect(decide(jit, 'ssm:StartAutomationExecution', doc('test-platform-approval'))).resolves.toBe('Allowed');
    await expect(decide(jit, 'ssm:StartAutomationExecution', doc('AWS-RestartEC2Instance'))).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('can cancel only executions Systems Manager marked as just-in-time ones', async () => {
    const execution = `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-execution/0123abcd-0123-0123-0123-0123456789ab`;
    const tag = 'aws:ResourceTag/SystemsManagerJustInTimeNodeAccessManaged';
    await expect(decide(jit, 'ssm:StopAutomationExecution', execution, { [tag]: 'true' })).resolves.toBe('Allowed');
    await expect(decide(jit, 'ssm:StopAutomationExecution', execution)).resolves.toBe('ImplicitlyDenied');
  });

  it('can terminate its own sessions only', async () => {
    const session = `arn:aws:ssm:${REGION}:${ACCOUNT}:session/alice-0123456789abcdef0`;
    const startedBy = (id: string) => ({ 'ssm:resourceTag/aws:ssmmessages:session-id': id });
    await expect(decide(jit, 'ssm:TerminateSession', session, startedBy(USERID))).resolves.toBe('Allowed');
    await expect(decide(jit, 'ssm:TerminateSession', session, startedBy('AROAEXAMPLEID:bob'))).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('cannot remove the tags approvals depend on', async () => {
    await expect(decide(jit, 'ec2:DeleteTags', instance, { 'aws:TagKeys': ['Restricted'] })).resolves.toBe(
      'ExplicitlyDenied',
    );
    await expect(decide(standing, 'ec2:DeleteTags', instance, { 'aws:TagKeys': ['Restricted'] })).resolves.toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('the step between the modes (standing, with requests enabled)', () => {
  const transition = new SessionAccessPolicy(new TerraformStack(Testing.app(), 'transition'), 'session-access', {
    ...base,
    justInTimeRequestsEnabled: true,
    manualApprovalDocumentNames: ['test-platform-approval'],
  });

  it('keeps direct sessions and adds access requests, so nobody is locked out while requests are tried', async () => {
    expect(transition.accessMode).toBe('standing');
    await expect(decide(transition.document, 'ssm:StartSession', instance, matchingTags)).resolves.toBe('Allowed');
    await expect(decide(transition.document, 'ssm:StartAccessRequest', instance)).resolves.toBe('Allowed');
  });
});
