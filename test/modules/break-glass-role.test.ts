import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { quotaSize } from '../../modules/core/policy-lint';
import type { AwsRegion } from '../../modules/core/rules';
import {
  BREAK_GLASS_SIDS,
  BreakGlassRole,
  alarmKeyPolicy,
  type BreakGlassRoleProps,
  READ_ONLY_EVENTS_RULE_STATE,
  breakGlassEventPatterns,
  breakGlassSessionDocument,
} from '../../modules/just-in-time/break-glass-role';
import { samlTrustStatement } from '../../modules/saml-federation/saml-federation';
import { type EventPattern, matchesPatterns } from '../support/event-pattern';
import { evaluate } from '../support/policies';
import { InvalidConstruct, validated } from '../support/validation';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '999999999999';
const REGION = 'eu-west-1';
const SAML = `arn:aws:iam::${ACCOUNT}:saml-provider/EntraIdProd`;
const ONCALL = `arn:aws:iam::${ACCOUNT}:user/security-oncall`;
const ALIAS = 'alias/prod-ssm-sessions';
const roleArn = `arn:aws:iam::${ACCOUNT}:role/prod-break-glass`;
const sessionArnPrefix = `arn:aws:sts::${ACCOUNT}:assumed-role/prod-break-glass/`;

function build(overrides: Partial<BreakGlassRoleProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const provider = new AwsProvider(stack, 'aws', { region: REGION });
  const breakGlass = validated(
    () =>
      new BreakGlassRole(stack, 'break-glass', {
        provider,
        accountId: ACCOUNT,
        regions: [REGION, 'eu-central-1'],
        roleName: 'prod-break-glass',
        samlProviderArn: SAML,
        trustedPrincipalArns: [ONCALL],
        sessionKmsKeyAliasName: ALIAS,
        ...overrides,
      }),
  );
  return { stack, provider, breakGlass };
}

const evaluateWith = (
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string | string[]>,
  policies: { identity?: BreakGlassRole['document']; trust?: BreakGlassRole['trustPolicy'] },
  unsafe = false,
) =>
  evaluate(
    {
      request: {
        principal,
        action,
        resource: { resource, accountId: /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: policies.identity ? [{ name: 'session-access', policy: policies.identity }] : [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policies.trust ? { resourcePolicy: policies.trust } : {}),
    },
    unsafe ? { unsafe: true } : {},
  ).then((e) => e.decision);

describe('BreakGlassRole trust', () => {
  const { breakGlass } = build();
  const trust = breakGlass.trustPolicy;
  const assume = (principal: string, action: string, context: Record<string, string | string[]>) =>
    evaluateWith(principal, action, roleArn, context, { trust });
  const samlSignIn = {
    'SAML:aud': 'https://signin.aws.amazon.com/saml',
    'aws:RequestTag/SSMSessionRunAs': 'alice',
    'aws:TagKeys': ['SSMSessionRunAs'],
  };
  const withMfa = {
    'aws:MultiFactorAuthPresent': 'true',
    'aws:RequestTag/SSMSessionRunAs': 'bob',
    'aws:TagKeys': ['SSMSessionRunAs'],
  };

  it.each([
    ['a SAML sign-in that sends session tags', SAML, 'sts:AssumeRoleWithSAML', samlSignIn, 'Allowed'],
    ['  ... and its session tags', SAML, 'sts:TagSession', samlSignIn, 'Allowed'],
    [
      'a SAML sign-in for another audience',
      SAML,
      'sts:AssumeRoleWithSAML',
      { ...samlSignIn, 'SAML:aud': 'https://example.com/saml' },
      'ImplicitlyDenied',
    ],
    [
      'a SAML sign-in without the run-as tag',
      SAML,
      'sts:AssumeRoleWithSAML',
      { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
      'ImplicitlyDenied',
    ],
    ['an IAM principal with MFA, naming its OS user', ONCALL, 'sts:AssumeRole', withMfa, 'Allowed'],
    ['  ... and its session tag', ONCALL, 'sts:TagSession', withMfa, 'Allowed'],
    [
      'an IAM principal without MFA',
      ONCALL,
      'sts:AssumeRole',
      { ...withMfa, 'aws:MultiFactorAuthPresent': 'false' },
      'ImplicitlyDenied',
    ],
    [
      'an IAM principal with MFA but no OS user',
      ONCALL,
      'sts:AssumeRole',
      { 'aws:MultiFactorAuthPresent': 'true' },
      'ImplicitlyDenied',
    ],
    [
      'another IAM principal with MFA',
      `arn:aws:iam::${ACCOUNT}:role/other`,
      'sts:AssumeRole',
      withMfa,
      'ImplicitlyDenied',
    ],
  ] as const)('%s: %s %s -> %s', async (_label, principal, action, context, expected) => {
    await expect(assume(principal, action, context)).resolves.toBe(expected);
  });

  it("trusts SAML through the federated role's own statement, so a rule added there holds here too", () => {
    expect(trust.Statement.find((s) => s.Sid === BREAK_GLASS_SIDS.samlTrust)).toEqual(
      samlTrustStatement({ sid: BREAK_GLASS_SIDS.samlTrust, providerArn: SAML, requireRunAsTag: true }),
    );
  });

  it('trusts only what it is given: IAM principals alone, or the SAML provider alone', () => {
    const iamOnly = build({ samlProviderArn: undefined }).breakGlass.trustPolicy;
    expect(iamOnly.Statement.map((s) => s.Sid)).toEqual([BREAK_GLASS_SIDS.iamTrust]);
    const samlOnly = build({ trustedPrincipalArns: [] }).breakGlass.trustPolicy;
    expect(samlOnly.Statement.map((s) => s.Action)).toEqual([
      ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'],
    ]);
  });

  it('refuses a role nobody may assume', () => {
    expect(() => build({ samlProviderArn: undefined, trustedPrincipalArns: [] })).toThrow(InvalidConstruct);
    expect(() => build({ samlProviderArn: undefined, trustedPrincipalArns: [] })).toThrow(
      /samlProviderArn or trustedPrincipalArns must say who may assume the role/,
    );
  });
});

describe('BreakGlassRole sessions', () => {
  const { breakGlass } = build();
  const policy = breakGlass.document;
  // The two ways in, as sessions of the role: their session tags are principal tags.
  const viaSaml = {
    principal: `${sessionArnPrefix}alice@example.com`,
    context: { 'aws:userid': 'AROAEXAMPLEBREAKGLAS:alice@example.com', 'aws:PrincipalTag/SSMSessionRunAs': 'alice' },
  };
  const viaMfa = {
    principal: `${sessionArnPrefix}oncall-bob`,
    context: {
      'aws:userid': 'AROAEXAMPLEBREAKGLAS:oncall-bob',
      'aws:PrincipalTag/SSMSessionRunAs': 'bob',
      'aws:MultiFactorAuthPresent': 'true',
    },
  };
  const instance = (region: string, account = ACCOUNT) =>
    `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
  const document = (name: string, region = REGION) => `arn:aws:ssm:${region}:${ACCOUNT}:document/${name}`;
  const start = (caller: typeof viaSaml, resource: string, region: string, unsafe = false) =>
    evaluateWith(
      caller.principal,
      'ssm:StartSession',
      resource,
      { ...caller.context, 'aws:RequestedRegion': region, 'ssm:SessionDocumentAccessCheck': 'true' },
      { identity: policy },
      unsafe,
    );

  describe.each([
    ['a SAML sign-in with session tags', viaSaml],
    ['an IAM principal with MFA', viaMfa],
  ] as const)('%s', (_label, caller) => {
    it('starts a shell session on an untagged instance, and on a managed instance, of the environment', async () => {
      await expect(start(caller, instance(REGION), REGION)).resolves.toBe('Allowed');
      await expect(start(caller, instance('eu-central-1'), 'eu-central-1')).resolves.toBe('Allowed');
      await expect(
        start(caller, `arn:aws:ssm:${REGION}:${ACCOUNT}:managed-instance/mi-0123456789abcdef0`, REGION),
      ).resolves.toBe('Allowed');
      await expect(start(caller, document('SSM-SessionManagerRunShell'), REGION)).resolves.toBe('Allowed');
    });

    it("is refused another account's instance, a region outside the environment, another document, and commands", async () => {
      await expect(start(caller, instance(REGION, OTHER_ACCOUNT), REGION)).resolves.toBe('ImplicitlyDenied');
      await expect(start(caller, instance('us-west-2'), 'us-west-2')).resolves.toBe('ImplicitlyDenied');
      await expect(start(caller, `arn:aws:ssm:${REGION}::document/AWS-StartSSHSession`, REGION, true)).resolves.toBe(
        'ImplicitlyDenied',
      );
      await expect(
        start(caller, `arn:aws:ssm:${REGION}::document/AWS-StartPortForwardingSession`, REGION, true),
      ).resolves.toBe('ImplicitlyDenied');
      await expect(
        evaluateWith(
          caller.principal,
          'ssm:SendCommand',
          instance(REGION),
          { ...caller.context, 'aws:RequestedRegion': REGION },
          { identity: policy },
        ),
      ).resolves.toBe('ImplicitlyDenied');
    });
  });

  it('needs the run-as tag to open a session', async () => {
    const untagged = {
      principal: viaMfa.principal,
      context: { 'aws:userid': viaMfa.context['aws:userid'], 'aws:PrincipalTag/SSMSessionRunAs': '' },
    };
    await expect(start(untagged, instance(REGION), REGION)).resolves.toBe('ImplicitlyDenied');
  });

  it('ends or resumes only its own sessions, and encrypts with the session keys', async () => {
    const keyPolicy = alarmKeyPolicy(ACCOUNT);
    const session = `arn:aws:ssm:${REGION}:${ACCOUNT}:session/oncall-bob-0a1b2c3d4e5f67890`;
    const terminate = (starter: string) =>
      evaluateWith(
        viaMfa.principal,
        'ssm:TerminateSession',
        session,
        { ...viaMfa.context, 'ssm:resourceTag/aws:ssmmessages:session-id': starter },
        { identity: policy },
      );
    await expect(terminate('AROAEXAMPLEBREAKGLAS:oncall-bob')).resolves.toBe('Allowed');
    await expect(terminate('AROAEXAMPLEFEDERATED:carol')).resolves.toBe('ImplicitlyDenied');
    const dataKey = (aliases: string[], region: string) =>
      evaluateWith(
        viaMfa.principal,
        'kms:GenerateDataKey',
        `arn:aws:kms:${region}:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
        { ...viaMfa.context, 'kms:ResourceAliases': aliases, 'aws:RequestedRegion': region },
        // The session key's policy lets the account's IAM policies grant it.
        { identity: policy, trust: keyPolicy },
      );
    await expect(dataKey([ALIAS], 'eu-central-1')).resolves.toBe('Allowed');
    await expect(dataKey(['alias/someone-elses-key'], REGION)).resolves.toBe('ImplicitlyDenied');
    await expect(dataKey([ALIAS], 'us-west-2')).resolves.toBe('ImplicitlyDenied');
  });

  it('lists exactly its actions: no reads of session data, no commands', () => {
    expect(policy.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      [
        'ConsoleRead',
        [
          'ec2:DescribeInstances',
          'ssm:DescribeInstanceInformation',
          'ssm:DescribeSessions',
          'ssm:GetConnectionStatus',
          'ssm:DescribeInstanceProperties',
        ],
      ],
      ['EmergencyShellSessions', 'ssm:StartSession'],
      ['ResumeAndTerminateOwnSessions', ['ssm:ResumeSession', 'ssm:TerminateSession']],
      ['GenerateSessionDataKey', 'kms:GenerateDataKey'],
      // The run-as guard: no session as root or ssm-user, whatever the tag says.
      ['DenySessionsAsRefusedRunAsUsers', 'ssm:StartSession'],
    ]);
  });

  it('keeps its size whatever the access rules, and grows by a region name per region', () => {
    const regions: AwsRegion[] = [
      'eu-west-1',
      'eu-central-1',
      'us-east-1',
      'us-east-2',
      'us-west-2',
      'ap-southeast-2',
      'ap-northeast-1',
      'eu-north-1',
    ];
    const size = (n: number) =>
      quotaSize(
        breakGlassSessionDocument({
          accountId: ACCOUNT,
          regions: regions.slice(0, n),
          requireRunAsTag: true,
          sessionKmsKeyAliasName: ALIAS,
        }),
      );
    // The statements and the run-as guard's Deny (about 200 characters), the same for any access rules.
    expect(size(1)).toBeLessThan(1_600);
    expect((size(8) - size(1)) / 7).toBeLessThanOrEqual(40);
  });
});

/** A recorded event (test/fixtures/cloudtrail), as EventBridge delivers it. */
const recorded = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'cloudtrail', `${name}.json`), 'utf8')) as {
    region: string;
    detail: { readOnly: boolean; eventType: string; awsRegion: string };
  };

describe('BreakGlassRole alarms', () => {
  const patterns = breakGlassEventPatterns(roleArn, sessionArnPrefix);

  it('match a recorded event of each kind, and not those of another role', () => {
    const cases: [string, EventPattern, boolean][] = [
      ['sts-assume-role-with-saml-break-glass', patterns.signIn, true],
      ['sts-assume-role-mfa-break-glass', patterns.signIn, true],
      ['console-login-federated-break-glass', patterns.consoleSignIn, true],
      ['console-login-role-session-break-glass', patterns.consoleSignIn, true],
      ['start-session-break-glass', patterns.session, true],
      ['sts-assume-role-with-saml-other-role', patterns.signIn, false],
      ['console-login-federated-other-role', patterns.consoleSignIn, false],
      ['start-session-other-role', patterns.session, false],
      // Each rule sees its own kind only.
      ['sts-assume-role-mfa-break-glass', patterns.session, false],
      ['start-session-break-glass', patterns.consoleSignIn, false],
    ];
    const results = matchesPatterns(cases.map(([name, pattern]) => ({ event: recorded(name), pattern })));
    expect(cases.map(([name, , expected], i) => [name, results[i] === expected])).toEqual(
      cases.map(([name]) => [name, true]),
    );
  });

  it('puts the STS rule in the state that receives read-only events, which sign-ins are', () => {
    const { stack, breakGlass, provider } = build();
    breakGlass.alarmIn('alarm-eu-west-1', {
      provider,
      region: REGION,
      namePrefix: 'prod',
      email: 'oncall@example.com',
    });
    const json = JSON.parse(Testing.synth(stack));
    const rules = Object.values(json.resource.aws_cloudwatch_event_rule) as {
      name: string;
      state?: string;
      event_pattern: string;
    }[];
    expect(rules.map((r) => [r.name, r.state])).toEqual([
      ['prod-break-glass-sign-in', READ_ONLY_EVENTS_RULE_STATE],
      ['prod-break-glass-console-sign-in', undefined],
      ['prod-break-glass-session', undefined],
    ]);
    // What the states are for: STS records are read-only, the others not.
    expect(recorded('sts-assume-role-with-saml-break-glass').detail.readOnly).toBe(true);
    expect(recorded('sts-assume-role-mfa-break-glass').detail.readOnly).toBe(true);
    expect(recorded('console-login-federated-break-glass').detail).toMatchObject({
      readOnly: false,
      eventType: 'AwsConsoleSignIn',
      awsRegion: 'us-east-1',
    });
    expect(recorded('start-session-break-glass').detail.readOnly).toBe(false);
    expect(JSON.parse(rules[0]!.event_pattern)).toEqual(patterns.signIn);
  });

  it('sends the alarms to a KMS-encrypted topic that only its rules publish to', async () => {
    const { stack, breakGlass, provider } = build();
    breakGlass.alarmIn('alarm', { provider, region: REGION, namePrefix: 'prod', email: 'oncall@example.com' });
    const json = JSON.parse(Testing.synth(stack));
    const topics = Object.values(json.resource.aws_sns_topic) as { name: string; kms_master_key_id: string }[];
    expect(topics).toEqual([
      expect.objectContaining({
        name: 'prod-break-glass-alarms',
        kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      }),
    ]);
    expect(Object.values(json.resource.aws_sns_topic_subscription)).toEqual([
      expect.objectContaining({ protocol: 'email', endpoint: 'oncall@example.com' }),
    ]);
    const [topicPolicy] = Object.values(json.resource.aws_sns_topic_policy) as { policy: string }[];
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
        resourcePolicy: JSON.parse(topicPolicy!.policy),
      }).then((e) => e.decision);
    await expect(publish(`arn:aws:events:${REGION}:${ACCOUNT}:rule/prod-break-glass-sign-in`)).resolves.toBe('Allowed');
    await expect(publish(`arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`)).resolves.not.toBe('Allowed');
  });

  it('in a sign-in-only region, watches sign-ins into an existing topic, with no session rule, topic or key', () => {
    const { stack, breakGlass } = build();
    const east = new AwsProvider(stack, 'aws_us-east-1', { region: 'us-east-1', alias: 'us-east-1' });
    breakGlass.alarmIn('alarm-us-east-1', {
      provider: east,
      region: 'us-east-1',
      namePrefix: 'prod',
      sessionRuleEnabled: false,
      topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:security`,
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.resource.aws_sns_topic).toBeUndefined();
    expect(json.resource.aws_kms_key).toBeUndefined();
    const rules = Object.values(json.resource.aws_cloudwatch_event_rule) as { name: string; provider: string }[];
    expect(rules.map((r) => [r.name, r.provider])).toEqual([
      ['prod-break-glass-sign-in', 'aws.us-east-1'],
      ['prod-break-glass-console-sign-in', 'aws.us-east-1'],
    ]);
    expect(Object.values(json.resource.aws_cloudwatch_event_target).map((t) => (t as { arn: string }).arn)).toEqual([
      `arn:aws:sns:us-east-1:${ACCOUNT}:security`,
      `arn:aws:sns:us-east-1:${ACCOUNT}:security`,
    ]);
  });

  it("with a trail's log group, alarms through a metric filter instead of sign-in rules (CIS)", () => {
    const { stack, breakGlass, provider } = build();
    breakGlass.alarmIn('alarm', {
      provider,
      region: REGION,
      namePrefix: 'prod',
      email: 'oncall@example.com',
      signInRulesEnabled: false,
      cloudTrailLogGroupName: 'aws-cloudtrail-logs-org',
    });
    const json = JSON.parse(Testing.synth(stack));
    const [filter] = Object.values(json.resource.aws_cloudwatch_log_metric_filter) as {
      log_group_name: string;
      pattern: string;
    }[];
    expect(filter!.log_group_name).toBe('aws-cloudtrail-logs-org');
    expect(filter!.pattern).toBe(
      `{ (($.eventSource = "sts.amazonaws.com") && ($.requestParameters.roleArn = "${roleArn}")) || ` +
        `(($.eventSource = "signin.amazonaws.com") && ($.userIdentity.arn = "${sessionArnPrefix}*")) }`,
    );
    const [alarm] = Object.values(json.resource.aws_cloudwatch_metric_alarm) as Record<string, unknown>[];
    expect(alarm).toMatchObject({
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      statistic: 'Sum',
    });
    const rules = Object.values(json.resource.aws_cloudwatch_event_rule) as { name: string }[];
    expect(rules.map((r) => r.name)).toEqual(['prod-break-glass-session']);
    const policy = JSON.parse((Object.values(json.resource.aws_sns_topic_policy)[0] as { policy: string }).policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['AlarmRulesPublish', 'TrailAlarmPublishes']);
  });
});
