import type { AwsRegion } from '../../modules/core/rules';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { sessionKeyPolicy } from '../../modules/session-audit-logs/session-audit-logs';
import type { PolicyStatement } from '../../modules/core/policy-document';
import { quotaSize } from '../../modules/core/policy-lint';
import { sessionAccessDocument } from '../../modules/session-access-policy/access-rules';
import {
  SESSION_ACCESS_SIDS as SIDS,
  SessionAccessPolicy,
  type SessionAccessPolicyProps,
  accessTagKeys,
  groupTagName,
} from '../../modules/session-access-policy/session-access-policy';
import { RUN_AS_GUARD_SIDS } from '../../modules/core/run-as-guard';
import { synthStack } from '../support/construct-synth';
import { evaluate, policyAt } from '../support/policies';
import { InvalidConstruct, validated } from '../support/validation';

const ACCOUNT = '111111111111';
const base: SessionAccessPolicyProps = { accountId: ACCOUNT, regions: ['eu-west-1'], environment: 'test' };

function build(overrides: Partial<SessionAccessPolicyProps> = {}): SessionAccessPolicy {
  const stack = new TerraformStack(Testing.app(), 'test');
  return validated(() => new SessionAccessPolicy(stack, 'session-access', { ...base, ...overrides }));
}

function statement(policy: SessionAccessPolicy, sid: string): PolicyStatement {
  const found = policy.document.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}; have ${policy.document.Statement.map((s) => s.Sid).join(', ')}`);
  return found;
}

const sids = (policy: SessionAccessPolicy) => policy.document.Statement.map((s) => s.Sid);

describe('SessionAccessPolicy statements', () => {
  it('with the defaults: console read, owner rule, the shell document, own sessions, the tag Deny and the run-as guard', () => {
    expect(sids(build())).toEqual([
      SIDS.consoleRead,
      SIDS.owner,
      SIDS.documents,
      SIDS.ownSessions,
      SIDS.denyOtherRegions,
      SIDS.denyTagKeys,
      SIDS.denyRequestTag,
      SIDS.denyDeleteAllTags,
      RUN_AS_GUARD_SIDS.refusedUsers,
    ]);
  });

  it('run-as guard: denies StartSession anywhere to a refused SSMSessionRunAs, ignoring case; with a pattern, to a tag outside it', () => {
    expect(statement(build(), RUN_AS_GUARD_SIDS.refusedUsers)).toEqual({
      Sid: 'DenySessionsAsRefusedRunAsUsers',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: '*',
      Condition: {
        StringEqualsIgnoreCase: {
          'aws:PrincipalTag/SSMSessionRunAs': [
            'root',
            'ssm-user',
            'admin',
            'administrator',
            'bitnami',
            'centos',
            'cloud-user',
            'debian',
            'ec2-user',
            'fedora',
            'opc',
            'rocky',
            'ubuntu',
          ],
        },
      },
    });
    const guarded = build({
      runAsGuard: { allowSharedDefaultUser: true, deniedUsers: ['Ops'], allowedPattern: 'u-*' },
    });
    expect(statement(guarded, RUN_AS_GUARD_SIDS.refusedUsers).Condition).toEqual({
      StringEqualsIgnoreCase: { 'aws:PrincipalTag/SSMSessionRunAs': ['root', 'ops'] },
    });
    expect(statement(guarded, RUN_AS_GUARD_SIDS.pattern)).toEqual({
      Sid: 'DenySessionsOutsideRunAsPattern',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: '*',
      Condition: {
        StringNotLike: { 'aws:PrincipalTag/SSMSessionRunAs': 'u-*' },
        Null: { 'aws:PrincipalTag/SSMSessionRunAs': 'false' },
      },
    });
  });

  it('reads the console with exactly five actions and no resource scoping', () => {
    expect(statement(build(), SIDS.consoleRead)).toEqual({
      Sid: 'ConsoleRead',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeInstances',
        'ssm:DescribeInstanceInformation',
        'ssm:DescribeSessions',
        'ssm:GetConnectionStatus',
        'ssm:DescribeInstanceProperties',
      ],
      Resource: '*',
    });
  });

  it('owner rule: instances of the account and regions whose AwsUserId is the caller, with the document check', () => {
    expect(statement(build({ regions: ['eu-west-1', 'us-east-1'] }), SIDS.owner)).toEqual({
      Sid: 'StartSessionOnOwnInstances',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      // Every region by name, the environment's by the Deny of the others (DenySessionsOutsideTheRegions).
      Resource: [`arn:aws:ec2:*:${ACCOUNT}:instance/*`],
      Condition: {
        StringEquals: { 'ssm:resourceTag/AwsUserId': '${aws:userid}' },
        BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
      },
    });
  });

  it('attribute rule: one statement per group, group k reading principal tags suffixed with k', () => {
    const policy = build({
      rules: {
        ownerRule: false,
        attributeRule: {
          tags: [
            { principalTag: 'AppId', instanceTag: 'APP_ID' },
            { principalTag: 'Stage', instanceTag: 'STAGE' },
          ],
          groups: 3,
        },
      },
    });
    expect(sids(policy).filter((s) => s.startsWith('StartSessionBy'))).toEqual([
      'StartSessionByAttributes',
      'StartSessionByAttributes2',
      'StartSessionByAttributes3',
    ]);
    expect(statement(policy, SIDS.attributes(3)).Condition).toEqual({
      StringEquals: {
        'ssm:resourceTag/APP_ID': '${aws:PrincipalTag/AppId3}',
        'ssm:resourceTag/STAGE': '${aws:PrincipalTag/Stage3}',
      },
      StringLike: { 'ssm:resourceTag/APP_ID': '?*', 'ssm:resourceTag/STAGE': '?*' },
      BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
    });
    expect(statement(policy, SIDS.attributes(1)).Condition!.StringEquals).toEqual({
      'ssm:resourceTag/APP_ID': '${aws:PrincipalTag/AppId}',
      'ssm:resourceTag/STAGE': '${aws:PrincipalTag/Stage}',
    });
    expect(policy.principalTags).toEqual(['AppId', 'Stage', 'AppId2', 'Stage2', 'AppId3', 'Stage3']);
  });

  it('principal-tag owner rule: CreatedBy equals the principal tag, never empty', () => {
    const policy = build({
      rules: { ownerRule: true, principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' } },
    });
    expect(statement(policy, SIDS.principalTagOwner).Condition).toEqual({
      StringEquals: { 'ssm:resourceTag/CreatedBy': '${aws:PrincipalTag/SSMSessionRunAs}' },
      StringLike: { 'ssm:resourceTag/CreatedBy': '?*' },
      BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' },
    });
  });

  it('documents: the account shell document always; SSH and port forwarding only when enabled', () => {
    const regions = ['eu-west-1', 'us-east-1'] as const;
    expect(statement(build({ regions }), SIDS.documents)).toEqual({
      Sid: 'StartSessionWithAllowedDocuments',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: [`arn:aws:ssm:*:${ACCOUNT}:document/SSM-SessionManagerRunShell`],
      Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    });
    expect(statement(build({ sshEnabled: true, portForwardingEnabled: true }), SIDS.documents).Resource).toEqual([
      `arn:aws:ssm:*:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
      'arn:aws:ssm:*::document/AWS-StartSSHSession',
      'arn:aws:ssm:*::document/AWS-StartPortForwardingSession',
      'arn:aws:ssm:*::document/AWS-StartPortForwardingSessionToRemoteHost',
    ]);
  });

  it('own sessions: resume and terminate where the session-id tag is the caller', () => {
    expect(statement(build(), SIDS.ownSessions)).toEqual({
      Sid: 'ResumeAndTerminateOwnSessions',
      Effect: 'Allow',
      Action: ['ssm:ResumeSession', 'ssm:TerminateSession'],
      Resource: `arn:aws:ssm:*:${ACCOUNT}:session/*`,
      Condition: { StringEquals: { 'ssm:resourceTag/aws:ssmmessages:session-id': '${aws:userid}' } },
    });
  });

  it("keeps sessions to the environment's regions with one Deny, whatever the number of regions", () => {
    const regions = ['eu-west-1', 'us-east-1'] as const;
    expect(statement(build({ regions }), SIDS.denyOtherRegions)).toEqual({
      Sid: 'DenySessionsOutsideTheRegions',
      Effect: 'Deny',
      Action: ['ssm:StartSession', 'ssm:ResumeSession', 'ssm:TerminateSession'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
    });
  });

  it('KMS: GenerateDataKey on the session keys only when there are any', () => {
    expect(sids(build())).not.toContain(SIDS.kms);
    const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    expect(statement(build({ sessionKmsKeyArns: [key] }), SIDS.kms)).toEqual({
      Sid: 'GenerateSessionDataKey',
      Effect: 'Allow',
      Action: 'kms:GenerateDataKey',
      Resource: [key],
    });
  });

  it('denies changing every tag that grants a session, ignoring case, on instances anywhere', () => {
    const rules = {
      ownerRule: true,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 1 },
      principalTagOwnerRule: { principalTag: 'SSMSessionRunAs', instanceTag: 'CreatedBy' },
    };
    expect(accessTagKeys(rules)).toEqual(['AwsUserId', 'APP_ID', 'CreatedBy']);
    const policy = build({ rules });
    expect(statement(policy, SIDS.denyTagKeys)).toEqual({
      Sid: 'DenyAccessTagChanges',
      Effect: 'Deny',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:RunInstances'],
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': ['AwsUserId', 'APP_ID', 'CreatedBy'] } },
    });
    expect(statement(policy, SIDS.denyRequestTag)).toEqual({
      Sid: 'DenyOwnershipTagAtLaunch',
      Effect: 'Deny',
      Action: ['ec2:CreateTags', 'ec2:RunInstances'],
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { Null: { 'aws:RequestTag/AwsUserId': 'false' } },
    });
    expect(statement(policy, SIDS.denyDeleteAllTags).Condition).toEqual({ Null: { 'aws:TagKeys': 'true' } });
  });

  it('builds the SCP: the same Deny on AwsUserId, exempting the launch tagger roles by their exact names', () => {
    const policy = build({ environment: 'prod', regions: ['eu-west-1', 'us-east-1'] });
    expect(policy.scpDocument.Statement.map((s) => s.Sid)).toEqual([
      SIDS.denyTagKeys,
      SIDS.denyRequestTag,
      SIDS.denyDeleteAllTags,
    ]);
    for (const s of policy.scpDocument.Statement) {
      expect(s.Effect).toBe('Deny');
      // Exact role ARNs, one per region: a pattern would exempt any role named like the tagger's.
      expect(s.Condition!.ArnNotEquals).toEqual({
        'aws:PrincipalArn': [
          `arn:aws:iam::${ACCOUNT}:role/prod-launch-tagger-eu-west-1`,
          `arn:aws:iam::${ACCOUNT}:role/prod-launch-tagger-us-east-1`,
        ],
      });
    }
    expect(policy.scpDocument.Statement[0].Condition!['ForAnyValue:StringEqualsIgnoreCase']).toEqual({
      'aws:TagKeys': ['AwsUserId'],
    });
  });

  it('is the same size for any number of users: nothing in it is per user', () => {
    const input = {
      accountId: ACCOUNT,
      regions: ['eu-west-1'],
      rules: { ownerRule: true },
      sshEnabled: false,
      portForwardingEnabled: false,
      sessionKmsKeyArns: [],
    };
    expect(JSON.stringify(sessionAccessDocument(input))).not.toMatch(/alice|bob/);
    const one = quotaSize(sessionAccessDocument(input));
    const twoGroups = quotaSize(
      sessionAccessDocument({
        ...input,
        rules: { ownerRule: true, attributeRule: { tags: [{ principalTag: 'A', instanceTag: 'B' }], groups: 2 } },
      }),
    );
    expect(twoGroups).toBeGreaterThan(one);
    expect(groupTagName('AppId', 1)).toBe('AppId');
    expect(groupTagName('AppId', 12)).toBe('AppId12');
  });
});

describe('SessionAccessPolicy validation', () => {
  it.each<[string, Partial<SessionAccessPolicyProps>, string]>([
    ['no rule on', { rules: { ownerRule: false } }, 'rules must turn on at least one match rule'],
    ['no regions', { regions: [] }, 'regions must list at least one region'],
    ['a bad account', { accountId: '123' }, 'accountId must be a 12-digit AWS account id'],
    // A JavaScript caller (or a cast) can still pass any string: it is checked at run time too.
    ['a bad region', { regions: ['mars-1' as AwsRegion] }, 'regions.0 must be an AWS region name'],
    [
      'the ownership tag as an ABAC tag',
      {
        rules: {
          ownerRule: true,
          attributeRule: { tags: [{ principalTag: 'X', instanceTag: 'awsuserid' }], groups: 1 },
        },
      },
      'must not use the ownership tag AwsUserId',
    ],
    [
      'an instance tag twice in a group',
      {
        rules: {
          ownerRule: false,
          attributeRule: {
            tags: [
              { principalTag: 'A', instanceTag: 'T' },
              { principalTag: 'B', instanceTag: 'T' },
            ],
            groups: 1,
          },
        },
      },
      'must name each instance tag once',
    ],
    [
      'zero groups',
      { rules: { ownerRule: false, attributeRule: { tags: [{ principalTag: 'A', instanceTag: 'T' }], groups: 0 } } },
      'groups must be a whole number',
    ],
  ])('rejects %s before creating anything', (_, overrides, message) => {
    expect(() => build(overrides)).toThrow(InvalidConstruct);
    expect(() => build(overrides)).toThrow(message);
  });
});

describe('SessionAccessPolicy as synthesized', () => {
  it('attaches as the inline policy "session-access", escaping policy variables but not references', async () => {
    const stack = new TerraformStack(Testing.app(), 'unit');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1', allowedAccountIds: [ACCOUNT] });
    const key = new KmsKey(stack, 'session-key', { description: 'session key' });
    const role = new IamRole(stack, 'role', { name: 'Federated', assumeRolePolicy: '{}' });
    new SessionAccessPolicy(stack, 'session-access', { ...base, sessionKmsKeyArns: [key.arn] }).attachToRole(role);
    const synthesized = synthStack(stack);

    const [attachment] = Object.values(synthesized.json.resource.aws_iam_role_policy) as {
      name: string;
      role: string;
      policy: string;
    }[];
    expect(attachment.name).toBe('session-access');
    expect(attachment.role).toMatch(/^\$\{aws_iam_role\.role[\w-]*\.name\}$/);
    expect(attachment.policy).toContain('"$${aws:userid}"');
    expect(attachment.policy).toMatch(/"\$\{aws_kms_key\.session-key[\w-]*\.arn\}"/);

    // The reference becomes a fake ARN of that key, and the evaluator allows exactly it.
    const policy = policyAt(synthesized, 'aws_iam_role_policy', 'session-access/role-policy');
    const [keyArn] = [statementIn(policy.Statement, SIDS.kms).Resource].flat() as string[];
    expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:eu-west-1:${ACCOUNT}:key/[0-9a-f-]{36}$`));
    // KMS honours IAM policies only when the key policy lets the account's IAM policies grant access.
    // The key policy the stack deploys, as the resource policy of the KMS request.
    const keyPolicy = sessionKeyPolicy({
      accountId: ACCOUNT,
      region: 'eu-west-1',
      logGroupNames: ['/aws/ssm/test/sessions'],
    });
    const request = (resource: string, withKeyPolicy = true) => ({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Federated/alice`,
        action: 'kms:GenerateDataKey',
        resource: { resource, accountId: ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'session-access', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(withKeyPolicy ? { resourcePolicy: keyPolicy } : {}),
    });
    await expect(evaluate(request(keyArn))).resolves.toMatchObject({ decision: 'Allowed' });
    await expect(evaluate(request(keyArn))).resolves.toHaveProperty('deciding', expect.arrayContaining([SIDS.kms]));
    await expect(evaluate(request(keyArn, false))).resolves.toMatchObject({ decision: 'ImplicitlyDenied' });
    const otherKey = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
    await expect(evaluate(request(otherKey))).resolves.toMatchObject({ decision: 'ImplicitlyDenied' });
  });
});

function statementIn(statements: readonly PolicyStatement[], sid: string): PolicyStatement {
  return statements.find((s) => s.Sid === sid)!;
}
