import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import {
  BreakGlassRole,
  type BreakGlassRoleProps,
  breakGlassEventPatterns,
} from '../../modules/just-in-time/break-glass-role';
import { SessionAccessPolicy } from '../../modules/session-access-policy/session-access-policy';
import { matchesPattern } from '../support/event-pattern';
import { evaluate } from '../support/policies';
import { InvalidConstruct, validated } from '../support/validation';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const SAML = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;
const rules = { owner: false, attributes: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 1 } };

function build(overrides: Partial<BreakGlassRoleProps> = {}, mode: 'standing' | 'just-in-time' = 'standing') {
  const stack = new TerraformStack(Testing.app(), 'test');
  const provider = new AwsProvider(stack, 'aws', { region: REGION });
  const sessionAccess = new SessionAccessPolicy(stack, 'break-glass-access', {
    accountId: ACCOUNT,
    regions: [REGION],
    environment: 'prod',
    rules,
    accessMode: mode,
  });
  const breakGlass = validated(
    () =>
      new BreakGlassRole(stack, 'break-glass', {
        provider,
        accountId: ACCOUNT,
        roleName: 'prod-break-glass',
        sessionAccess,
        samlProviderArn: SAML,
        ...overrides,
      }),
  );
  const alarm = breakGlass.alarmIn('alarm-eu-west-1', {
    provider,
    region: REGION,
    namePrefix: 'prod',
    email: 'oncall@example.com',
  });
  return { stack, breakGlass, sessionAccess, alarm };
}

const roleArn = `arn:aws:iam::${ACCOUNT}:role/prod-break-glass`;
const patterns = breakGlassEventPatterns(roleArn, `arn:aws:sts::${ACCOUNT}:assumed-role/prod-break-glass/`);
const apiCall = (source: string, eventSource: string, eventName: string, detail: object) => ({
  source,
  'detail-type': 'AWS API Call via CloudTrail',
  detail: { eventSource, eventName, ...detail },
});

describe('BreakGlassRole', () => {
  it('has standing session access: it opens a session without an approval', async () => {
    const { sessionAccess } = build();
    const decision = await evaluate({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-break-glass/alice`,
        action: 'ssm:StartSession',
        resource: { resource: `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`, accountId: ACCOUNT },
        contextVariables: {
          'aws:PrincipalTag/AppId': 'billing',
          'ssm:resourceTag/APP_ID': 'billing',
          'ssm:SessionDocumentAccessCheck': 'true',
        },
      },
      identityPolicies: [{ name: 'session-access', policy: sessionAccess.document }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    });
    expect(decision.decision).toBe('Allowed');
  });

  it('refuses a just-in-time policy, and a role nobody may assume', () => {
    expect(() => build({}, 'just-in-time')).toThrow(/sessionAccess must be a SessionAccessPolicy in standing mode/);
    expect(() => build({ samlProviderArn: undefined })).toThrow(InvalidConstruct);
    expect(() => build({ samlProviderArn: undefined })).toThrow(
      /samlProviderArn or trustedPrincipalArns must say who may assume the role/,
    );
  });

  it('trusts the SAML provider for the sign-in audience only, and IAM principals only with MFA', async () => {
    const { breakGlass } = build({ trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/security-oncall`] });
    const trust = breakGlass.trustPolicy;
    const assume = (principal: string, action: string, context: Record<string, string>) =>
      evaluate({
        request: { principal, action, resource: { resource: roleArn, accountId: ACCOUNT }, contextVariables: context },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: trust,
      });
    const oncall = `arn:aws:iam::${ACCOUNT}:role/security-oncall`;
    await expect(assume(oncall, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'true' })).resolves.toMatchObject({
      decision: 'Allowed',
    });
    await expect(
      assume(oncall, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'false' }),
    ).resolves.not.toMatchObject({ decision: 'Allowed' });
    await expect(
      assume(`arn:aws:iam::${ACCOUNT}:role/other`, 'sts:AssumeRole', { 'aws:MultiFactorAuthPresent': 'true' }),
    ).resolves.not.toMatchObject({
      decision: 'Allowed',
    });
    expect(trust.Statement.find((s) => s.Sid === 'EmergencySignInWithSaml')).toEqual({
      Sid: 'EmergencySignInWithSaml',
      Effect: 'Allow',
      Principal: { Federated: SAML },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    });
  });

  it("alarms on its sign-ins and sessions, and not on anyone else's", () => {
    const byRole = { userIdentity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-break-glass/alice` } };
    const byOther = { userIdentity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SsmShellProd/alice` } };
    expect(
      matchesPattern(
        apiCall('aws.sts', 'sts.amazonaws.com', 'AssumeRoleWithSAML', { requestParameters: { roleArn } }),
        patterns.signIn,
      ),
    ).toBe(true);
    expect(
      matchesPattern(
        apiCall('aws.sts', 'sts.amazonaws.com', 'AssumeRole', { requestParameters: { roleArn } }),
        patterns.signIn,
      ),
    ).toBe(true);
    expect(
      matchesPattern(
        apiCall('aws.sts', 'sts.amazonaws.com', 'AssumeRoleWithSAML', {
          requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/SsmShellProd` },
        }),
        patterns.signIn,
      ),
    ).toBe(false);
    expect(matchesPattern(apiCall('aws.ssm', 'ssm.amazonaws.com', 'StartSession', byRole), patterns.session)).toBe(
      true,
    );
    expect(matchesPattern(apiCall('aws.ssm', 'ssm.amazonaws.com', 'StartSession', byOther), patterns.session)).toBe(
      false,
    );
    expect(matchesPattern(apiCall('aws.ssm', 'ssm.amazonaws.com', 'TerminateSession', byRole), patterns.session)).toBe(
      false,
    );
    expect(
      matchesPattern(
        { source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', detail: byRole },
        patterns.consoleSignIn,
      ),
    ).toBe(true);
    expect(
      matchesPattern(
        { source: 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', detail: byOther },
        patterns.consoleSignIn,
      ),
    ).toBe(false);
  });

  it('sends the alarms to a KMS-encrypted topic that only its rules publish to', async () => {
    const { stack } = build();
    const json = JSON.parse(Testing.synth(stack));
    const topics = Object.values(json.resource.aws_sns_topic) as { name: string; kms_master_key_id: string }[];
    expect(topics).toEqual([
      expect.objectContaining({
        name: 'prod-break-glass-alarms',
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      }),
    ]);
    const rules = Object.values(json.resource.aws_cloudwatch_event_rule) as { name: string; event_pattern: string }[];
    expect(rules.map((r) => r.name)).toEqual([
      'prod-break-glass-sign-in',
      'prod-break-glass-console-sign-in',
      'prod-break-glass-session',
    ]);
    expect(JSON.parse(rules[2]!.event_pattern)).toEqual(patterns.session);
    expect(Object.values(json.resource.aws_cloudwatch_event_target)).toHaveLength(3);
    expect(Object.values(json.resource.aws_sns_topic_subscription)).toEqual([
      expect.objectContaining({ protocol: 'email', endpoint: 'oncall@example.com' }),
    ]);
    const [topicPolicy] = Object.values(json.resource.aws_sns_topic_policy) as { policy: string }[];
    const policy = JSON.parse(topicPolicy!.policy);
    const publish = (sourceArn: string) =>
      evaluate({
        request: {
          principal: 'events.amazonaws.com',
          action: 'sns:Publish',
          resource: { resource: `arn:aws:sns:${REGION}:${ACCOUNT}:prod-break-glass-alarms`, accountId: ACCOUNT },
          contextVariables: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policy,
      });
    await expect(publish(`arn:aws:events:${REGION}:${ACCOUNT}:rule/prod-break-glass-session`)).resolves.toMatchObject({
      decision: 'Allowed',
    });
    await expect(publish(`arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`)).resolves.not.toMatchObject({
      decision: 'Allowed',
    });
  });

  it('uses an existing topic when given one, creating no topic or key', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const sessionAccess = new SessionAccessPolicy(stack, 'a', {
      accountId: ACCOUNT,
      regions: [REGION],
      environment: 'prod',
      rules,
    });
    const role = new BreakGlassRole(stack, 'b', {
      accountId: ACCOUNT,
      roleName: 'prod-break-glass',
      sessionAccess,
      samlProviderArn: SAML,
    });
    role.alarmIn('alarm', {
      region: REGION,
      namePrefix: 'prod',
      topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:security`,
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.resource.aws_sns_topic).toBeUndefined();
    expect(json.resource.aws_kms_key).toBeUndefined();
    expect(Object.values(json.resource.aws_cloudwatch_event_target).map((t) => (t as { arn: string }).arn)).toEqual([
      `arn:aws:sns:${REGION}:${ACCOUNT}:security`,
      `arn:aws:sns:${REGION}:${ACCOUNT}:security`,
      `arn:aws:sns:${REGION}:${ACCOUNT}:security`,
    ]);
  });
});
