import { inRegions } from '../core/region-free';
import { type RunAsGuard, runAsSessionDeny } from '../core/run-as-guard';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { ConfigProblem } from '../core/config-error';
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';
import { type AwsRegion, propProblems, rules as propRules } from '../core/rules';
import { RUN_AS_TAG } from '../core/tag-names';
import { reportProblems } from '../core/validation';
import { describeForReview } from '../core/review-metadata';
import { type SourceIdentityMode, samlTrustStatement } from '../saml-federation/saml-federation';
import { CONSOLE_READ_ACTIONS, DOCUMENT_ACCESS_CHECK, SESSION_DOCUMENTS } from '../session-access-policy/access-rules';

/**
 * Properties of a {@link BreakGlassRole}.
 */
export interface BreakGlassRoleProps {
  /** Provider for the role (IAM is global: the environment's primary provider). */
  readonly provider?: TerraformProvider;
  /** The environment's account: the role reaches every instance of it, and nothing of another. */
  readonly accountId: string;
  /** The environment's regions (at least one): sessions elsewhere are refused (`aws:RequestedRegion`). */
  readonly regions: readonly AwsRegion[];
  /** Role name; alarms match the role's sessions by it. */
  readonly roleName: string;
  /**
   * SAML provider whose users may assume the role, through the same trust statement as the
   * people's federated role (`samlTrustStatement`: `sts:AssumeRoleWithSAML` and `sts:TagSession`,
   * `SAML:aud` pinned, the run-as tag required); the IdP sends this role only to the few who hold
   * the emergency duty.
   *
   * @default - no SAML trust
   */
  readonly samlProviderArn?: string;
  /**
   * IAM principals that may assume the role with `sts:AssumeRole`, only with MFA: the way in when
   * the IdP is down.
   *
   * @default - none
   */
  readonly trustedPrincipalArns?: readonly string[];
  /**
   * Run-as: every sign-in must name its OS user as the session tag `SSMSessionRunAs`, and the role
   * opens sessions only with that tag. Through SAML the IdP sends it; with `sts:AssumeRole` the
   * caller passes it (`--tags Key=SSMSessionRunAs,Value=<user>`).
   *
   * @default true
   */
  readonly requireRunAsTag?: boolean;
  /**
   * The OS users no session of the role may run as (the run-as guard): refused in the SAML trust and
   * by a Deny on `ssm:StartSession`, as for the people's role.
   *
   * @default - root, and ssm-user
   */
  readonly runAsGuard?: RunAsGuard;
  /**
   * Source identity of SAML sign-ins, as for the federated role.
   *
   * @default 'allowed'
   */
  readonly sourceIdentity?: SourceIdentityMode;
  /**
   * Alias of the keys that encrypt sessions, the same name in every region (`SessionAuditLogs`
   * names it `alias/<environment>-ssm-sessions`): the role may `kms:GenerateDataKey` on the keys
   * behind it in the environment's regions, without one ARN per region in its policy.
   *
   * @default - no KMS statement: sessions encrypted with a KMS key fail to start
   */
  readonly sessionKmsKeyAliasName?: string;
  /**
   * Maximum session duration, in hours (1-12).
   *
   * @default 1
   */
  readonly maxSessionDurationHours?: number;
  /**
   * Permissions boundary of the role (required where the deploy role may only create bounded roles).
   *
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
}

/** Stable statement ids of the break-glass role's policy. */
export const BREAK_GLASS_SIDS = {
  consoleRead: 'ConsoleRead',
  shellSessions: 'EmergencyShellSessions',
  ownSessions: 'ResumeAndTerminateOwnSessions',
  kms: 'GenerateSessionDataKey',
  samlTrust: 'EmergencySignInWithSaml',
  iamTrust: 'EmergencyAssumeWithMfa',
} as const;

/** What {@link breakGlassSessionDocument} needs. */
export interface BreakGlassSessionInput {
  readonly accountId: string;
  readonly regions: readonly string[];
  readonly requireRunAsTag: boolean;
  readonly sessionKmsKeyAliasName?: string;
  /** @default root and ssm-user refused */
  readonly runAsGuard?: RunAsGuard;
}

/**
 * The break-glass role's policy: shell sessions on every instance and managed instance of the
 * account in the environment's regions, whatever their tags (the role must work when the tags or
 * the IdP's attributes are what is broken), with `SSM-SessionManagerRunShell` only. ARNs name no
 * region and `aws:RequestedRegion` pins the regions, so the policy has the same size whatever the
 * access rules, and grows by one region name per region.
 */
export function breakGlassSessionDocument(input: BreakGlassSessionInput): PolicyDocument {
  const { accountId } = input;
  const environmentRegions = inRegions(input.regions);
  const statements: PolicyStatement[] = [
    {
      Sid: BREAK_GLASS_SIDS.consoleRead,
      Effect: 'Allow',
      Action: [...CONSOLE_READ_ACTIONS],
      // "*": the Describe actions support no resource-level permissions.
      Resource: '*',
    },
    {
      Sid: BREAK_GLASS_SIDS.shellSessions,
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: [
        `arn:aws:ec2:*:${accountId}:instance/*`,
        `arn:aws:ssm:*:${accountId}:managed-instance/*`,
        `arn:aws:ssm:*:${accountId}:document/${SESSION_DOCUMENTS.shell}`,
      ],
      Condition: {
        ...environmentRegions,
        ...DOCUMENT_ACCESS_CHECK,
        // Run-as: a session without its OS user would run as the default user.
        ...(input.requireRunAsTag ? { StringLike: { [`aws:PrincipalTag/${RUN_AS_TAG}`]: '?*' } } : {}),
      },
    },
    {
      Sid: BREAK_GLASS_SIDS.ownSessions,
      Effect: 'Allow',
      Action: ['ssm:ResumeSession', 'ssm:TerminateSession'],
      Resource: `arn:aws:ssm:*:${accountId}:session/*`,
      // Only its own sessions: Session Manager tags each session with its starter's aws:userid.
      Condition: { StringEquals: { 'ssm:resourceTag/aws:ssmmessages:session-id': '${aws:userid}' } },
    },
  ];
  if (input.sessionKmsKeyAliasName !== undefined) {
    statements.push({
      Sid: BREAK_GLASS_SIDS.kms,
      Effect: 'Allow',
      // The client side of session encryption: without it an encrypted session fails to start.
      Action: 'kms:GenerateDataKey',
      Resource: `arn:aws:kms:*:${accountId}:key/*`,
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': input.sessionKmsKeyAliasName },
        ...environmentRegions,
      },
    });
  }
  // The run-as guard: no session as root, ssm-user or another refused account, whatever the tag says.
  statements.push(...runAsSessionDeny(input.runAsGuard ?? {}));
  return policyDocument(statements);
}

/** The trust policy: the SAML provider's sign-ins, IAM principals with MFA, or both. */
export function breakGlassTrustPolicy(input: {
  readonly samlProviderArn?: string;
  readonly trustedPrincipalArns: readonly string[];
  readonly requireRunAsTag: boolean;
  readonly sourceIdentity: SourceIdentityMode;
  readonly runAsGuard?: RunAsGuard;
}): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (input.samlProviderArn !== undefined) {
    statements.push(
      samlTrustStatement({
        sid: BREAK_GLASS_SIDS.samlTrust,
        providerArn: input.samlProviderArn,
        requireRunAsTag: input.requireRunAsTag,
        sourceIdentity: input.sourceIdentity,
        runAsGuard: input.runAsGuard ?? {},
      }),
    );
  }
  if (input.trustedPrincipalArns.length > 0) {
    statements.push({
      Sid: BREAK_GLASS_SIDS.iamTrust,
      Effect: 'Allow',
      Principal: { AWS: [...input.trustedPrincipalArns].sort() },
      // With run-as, the caller names the OS user as a session tag, on both actions: a condition
      // on sts:TagSession alone would let a call without tags through.
      Action: input.requireRunAsTag ? ['sts:AssumeRole', 'sts:TagSession'] : 'sts:AssumeRole',
      Condition: {
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        ...(input.requireRunAsTag ? { StringLike: { [`aws:RequestTag/${RUN_AS_TAG}`]: '?*' } } : {}),
      },
    });
  }
  return policyDocument(statements);
}

/**
 * A separate role with standing session access for emergencies, when the approvers of
 * just-in-time access or the IdP cannot be reached: its sessions need no approval, so every use
 * must be seen. Its access depends on no tag: shell sessions on every instance and managed
 * instance of the account in the environment's regions, `SSM-SessionManagerRunShell` only, run-as
 * enforced, and only its own sessions to resume or end.
 *
 * Add {@link alarmIn} for every region CloudTrail can record its use in: each region of the
 * environment, us-east-1 (the STS global endpoint and console sign-ins), and the regions whose STS
 * or sign-in endpoints people may use.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access.html
 */
export class BreakGlassRole extends Construct {
  /** The raw `aws_iam_role`. */
  readonly role: IamRole;
  /** ARN of the role (known at synth time: the alarms match on it). */
  readonly roleArn: string;
  /** The prefix of the ARNs of the role's sessions, `arn:aws:sts::<account>:assumed-role/<name>/`. */
  readonly sessionArnPrefix: string;
  /** The trust policy, as data. */
  readonly trustPolicy: PolicyDocument;
  /** The session access policy (inline policy `session-access`), as data. */
  readonly document: PolicyDocument;

  /** The account the role is in. */
  readonly accountId: string;
  /** The role's name (`BreakGlassRoleProps.roleName`). */
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    reportProblems(this, breakGlassRoleProblems(this.node.path, props));

    const requireRunAsTag = props.requireRunAsTag ?? true;
    this.accountId = props.accountId;
    this.roleName = props.roleName;
    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    this.sessionArnPrefix = `arn:aws:sts::${props.accountId}:assumed-role/${props.roleName}/`;
    this.trustPolicy = breakGlassTrustPolicy({
      ...(props.samlProviderArn === undefined ? {} : { samlProviderArn: props.samlProviderArn }),
      trustedPrincipalArns: props.trustedPrincipalArns ?? [],
      requireRunAsTag,
      sourceIdentity: props.sourceIdentity ?? 'allowed',
      runAsGuard: props.runAsGuard ?? {},
    });
    this.document = breakGlassSessionDocument({
      accountId: props.accountId,
      regions: props.regions,
      requireRunAsTag,
      runAsGuard: props.runAsGuard ?? {},
      ...(props.sessionKmsKeyAliasName === undefined ? {} : { sessionKmsKeyAliasName: props.sessionKmsKeyAliasName }),
    });
    const provider = props.provider ? { provider: props.provider } : {};
    this.role = new IamRole(this, 'role', {
      ...provider,
      name: props.roleName,
      description: 'Break-glass: standing Session Manager access for emergencies; every use alarms',
      assumeRolePolicy: renderPolicy(this.trustPolicy),
      maxSessionDuration: (props.maxSessionDurationHours ?? 1) * 3600,
      ...(props.permissionsBoundaryArn === undefined ? {} : { permissionsBoundary: props.permissionsBoundaryArn }),
    });
    const policy = new IamRolePolicy(this, 'session-access', {
      ...provider,
      name: 'session-access',
      role: this.role.name,
      policy: renderPolicy(this.document),
    });
    describeForReview(policy, {
      part: 'break-glass-role',
      roleName: props.roleName,
      regions: [...props.regions],
      requireRunAsTag,
    });
  }

  /**
   * Alarms on uses of the role seen in one region: a KMS-encrypted SNS topic (or `topicArn`),
   * EventBridge rules on its sign-ins (`AssumeRole`, `AssumeRoleWithSAML`, console sign-in) and on
   * `StartSession` by its sessions, and, with `cloudTrailLogGroupName`, a metric filter and alarm
   * on a trail's log group.
   */
  alarmIn(id: string, props: BreakGlassAlarmProps): BreakGlassAlarm {
    return new BreakGlassAlarm(this, id, { ...props, breakGlassRole: this });
  }
}

/** The problems of a {@link BreakGlassRoleProps}, each naming the prop, the value and the fix. */
function breakGlassRoleProblems(where: string, props: BreakGlassRoleProps): ConfigProblem[] {
  const problems: ConfigProblem[] = propProblems(where, [
    ['accountId', props.accountId, propRules.accountId],
    ['roleName', props.roleName, propRules.iamRoleName],
    ...props.regions.map((r, i) => [`regions.${i}`, r, propRules.region] as const),
  ]);
  const problem = (path: string, value: unknown, message: string) =>
    problems.push({ file: where, path, value, message });
  if (props.regions.length === 0) {
    problem('regions', [], "must list the environment's regions: the role opens sessions nowhere else. Add them");
  }
  if (props.samlProviderArn === undefined && (props.trustedPrincipalArns ?? []).length === 0) {
    problem(
      'samlProviderArn',
      undefined,
      'or trustedPrincipalArns must say who may assume the role, or nobody can in an emergency. Set one',
    );
  }
  const hours = props.maxSessionDurationHours ?? 1;
  if (!Number.isInteger(hours) || hours < 1 || hours > 12) {
    problem('maxSessionDurationHours', hours, 'must be a whole number of hours from 1 to 12 (IAM range). Pick one');
  }
  return problems;
}

/** Where and to whom a {@link BreakGlassRole} alarms. */
export interface BreakGlassAlarmProps {
  /** Provider of `region`. */
  readonly provider?: TerraformProvider;
  /** The region whose CloudTrail events the rules see. */
  readonly region: AwsRegion;
  /** Name prefix of the topic, key alias, rules and alarm, e.g. the environment name. */
  readonly namePrefix: string;
  /**
   * An existing SNS topic in `region` to alarm (its policy must let EventBridge, and CloudWatch
   * with `cloudTrailLogGroupName`, publish).
   *
   * @default - a topic is created, encrypted with a key created for it
   */
  readonly topicArn?: string;
  /**
   * An email address subscribed to the created topic (AWS sends a confirmation first).
   *
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * EventBridge rules on the role's sign-ins recorded in this region: STS `AssumeRole*` (a rule in
   * the state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`, the only one that receives these
   * read-only events) and console sign-ins.
   *
   * @default true
   */
  readonly signInRulesEnabled?: boolean;
  /**
   * An EventBridge rule on sessions the role starts or resumes in this region (a region where it
   * may open sessions).
   *
   * @default true
   */
  readonly sessionRuleEnabled?: boolean;
  /**
   * The CloudWatch Logs group, in this region, of a multi-region CloudTrail trail: a metric filter
   * on the role's sign-ins and an alarm on it (the CIS AWS Foundations Benchmark pattern), which
   * sees the sign-ins of every region.
   *
   * @default - none
   */
  readonly cloudTrailLogGroupName?: string;
}

/** Properties of a {@link BreakGlassAlarm}: where, to whom, and for which role. */
export interface BreakGlassAlarmConstructProps extends BreakGlassAlarmProps {
  /** The role whose uses alarm. */
  readonly breakGlassRole: BreakGlassRole;
}

/** The sign-in API calls that give the role's credentials. */
export const BREAK_GLASS_SIGN_IN_CALLS = ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'] as const;

/**
 * The state of the STS sign-in rule: STS `AssumeRole*` records are read-only management events,
 * which EventBridge delivers only to rules in this state.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
export const READ_ONLY_EVENTS_RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/** The event patterns of the alarms, as data (tests match recorded events against them). */
export function breakGlassEventPatterns(roleArn: string, sessionArnPrefix: string) {
  return {
    signIn: {
      source: ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['sts.amazonaws.com'],
        eventName: [...BREAK_GLASS_SIGN_IN_CALLS],
        // IAM role names are unique ignoring case, and a caller may spell the ARN either way.
        requestParameters: { roleArn: [{ 'equals-ignore-case': roleArn }] },
      },
    },
    consoleSignIn: {
      source: ['aws.signin'],
      'detail-type': ['AWS Console Sign In via CloudTrail'],
      detail: { userIdentity: { arn: [{ prefix: sessionArnPrefix }] } },
    },
    session: {
      source: ['aws.ssm'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['ssm.amazonaws.com'],
        eventName: ['StartSession', 'ResumeSession'],
        userIdentity: { arn: [{ prefix: sessionArnPrefix }] },
      },
    },
  } as const;
}

/**
 * The CloudWatch Logs filter pattern of the trail alarm: STS calls for the role, and console
 * sign-ins as one of its sessions.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function breakGlassTrailFilterPattern(roleArn: string, sessionArnPrefix: string): string {
  return (
    `{ (($.eventSource = "sts.amazonaws.com") && ($.requestParameters.roleArn = "${roleArn}")) || ` +
    `(($.eventSource = "signin.amazonaws.com") && ($.userIdentity.arn = "${sessionArnPrefix}*")) }`
  );
}

/** The rules of one region, in construct-id order (`rule-0` ... `rule-2`: ids are resource addresses). */
const RULES = [
  { key: 'signIn', name: 'sign-in', description: 'The break-glass role was assumed', readOnly: true },
  {
    key: 'consoleSignIn',
    name: 'console-sign-in',
    description: 'Someone signed in to the console with the break-glass role',
    readOnly: false,
  },
  {
    key: 'session',
    name: 'session',
    description: 'The break-glass role opened or resumed a Session Manager session',
    readOnly: false,
  },
] as const;

/** The alarms of a {@link BreakGlassRole} in one region. */
export class BreakGlassAlarm extends Construct {
  /** ARN of the topic alarmed. */
  readonly topicArn: string;
  /** The topic created; undefined when `topicArn` was given. */
  readonly topic?: SnsTopic;
  /** The key encrypting the created topic. */
  readonly key?: KmsKey;
  /** The EventBridge rules created here (sign-ins, console sign-ins, sessions, as enabled). */
  readonly rules: readonly CloudwatchEventRule[];
  /** The alarm on the trail's log group, with `cloudTrailLogGroupName`. */
  readonly trailAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: BreakGlassAlarmConstructProps) {
    super(scope, id);
    reportProblems(this, propProblems(this.node.path, [['region', props.region, propRules.region]]));
    const provider = props.provider ? { provider: props.provider } : {};
    const { region, namePrefix } = props;
    const { accountId, roleArn, sessionArnPrefix, roleName } = props.breakGlassRole;
    const enabled = RULES.map((r, index) => ({ ...r, index })).filter((r) =>
      r.key === 'session' ? props.sessionRuleEnabled !== false : props.signInRulesEnabled !== false,
    );
    const ruleName = (name: string) => `${namePrefix}-break-glass-${name}`;
    const alarmName = `${namePrefix}-break-glass-trail-sign-in`;
    const trail = props.cloudTrailLogGroupName;
    if (props.topicArn === undefined) {
      const created = this.createTopic(provider, props, {
        ruleArns: enabled.map((r) => `arn:aws:events:${region}:${accountId}:rule/${ruleName(r.name)}`),
        alarmArns: trail === undefined ? [] : [`arn:aws:cloudwatch:${region}:${accountId}:alarm:${alarmName}`],
      });
      this.key = created.key;
      this.topic = created.topic;
      this.topicArn = created.topic.arn;
    } else {
      this.topicArn = props.topicArn;
    }
    const patterns = breakGlassEventPatterns(roleArn, sessionArnPrefix);
    this.rules = enabled.map((r) => {
      const rule = new CloudwatchEventRule(this, `rule-${r.index}`, {
        ...provider,
        name: ruleName(r.name),
        description: r.description,
        eventPattern: JSON.stringify(patterns[r.key]),
        ...(r.readOnly ? { state: READ_ONLY_EVENTS_RULE_STATE } : {}),
      });
      new CloudwatchEventTarget(this, `target-${r.index}`, {
        ...provider,
        rule: rule.name,
        arn: this.topicArn,
        targetId: 'alarm-topic',
      });
      // The review shows, per region, that the role's sessions alarm.
      if (r.key === 'session') describeForReview(rule, { part: 'break-glass-alarm', roleName, region });
      return rule;
    });
    if (trail !== undefined) {
      this.trailAlarm = this.alarmOnTrail(provider, trail, alarmName, props);
    }
  }

  /** A KMS-encrypted topic that only the given rules and alarms publish to. */
  private createTopic(
    provider: { provider?: TerraformProvider },
    props: BreakGlassAlarmConstructProps,
    publishers: { ruleArns: readonly string[]; alarmArns: readonly string[] },
  ): { key: KmsKey; topic: SnsTopic } {
    const { region, namePrefix } = props;
    const accountId = props.breakGlassRole.accountId;
    const topicName = `${namePrefix}-break-glass-alarms`;
    const topicArn = `arn:aws:sns:${region}:${accountId}:${topicName}`;
    // A customer managed key: EventBridge and CloudWatch cannot publish to a topic encrypted with
    // the AWS managed key (alias/aws/sns), whose policy nobody can change to let them in.
    const key = new KmsKey(this, 'key', {
      ...provider,
      description: `Encrypts the ${namePrefix} break-glass alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: renderPolicy(alarmKeyPolicy(accountId, publishers.alarmArns.length > 0)),
    });
    new KmsAlias(this, 'key_alias', { ...provider, name: `alias/${topicName}`, targetKeyId: key.keyId });
    const topic = new SnsTopic(this, 'topic', { ...provider, name: topicName, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, 'topic_policy', {
      ...provider,
      arn: topic.arn,
      policy: renderPolicy(alarmTopicPolicy(accountId, topicArn, publishers.ruleArns, publishers.alarmArns)),
    });
    if (props.email !== undefined) {
      new SnsTopicSubscription(this, 'email', {
        ...provider,
        topicArn: topic.arn,
        protocol: 'email',
        endpoint: props.email,
      });
    }
    return { key, topic };
  }

  /** The CIS pattern: a metric filter on the trail's log group, and an alarm at the first sign-in. */
  private alarmOnTrail(
    provider: { provider?: TerraformProvider },
    logGroupName: string,
    alarmName: string,
    props: BreakGlassAlarmConstructProps,
  ): CloudwatchMetricAlarm {
    const { roleArn, sessionArnPrefix } = props.breakGlassRole;
    const metric = { name: `${props.namePrefix}-break-glass-sign-ins`, namespace: BREAK_GLASS_METRIC_NAMESPACE };
    new CloudwatchLogMetricFilter(this, 'trail-filter', {
      ...provider,
      name: `${props.namePrefix}-break-glass-sign-ins`,
      logGroupName,
      pattern: breakGlassTrailFilterPattern(roleArn, sessionArnPrefix),
      metricTransformation: { name: metric.name, namespace: metric.namespace, value: '1' },
    });
    return new CloudwatchMetricAlarm(this, 'trail-alarm', {
      ...provider,
      alarmName,
      alarmDescription: 'The break-glass role was assumed or used to sign in to the console (CloudTrail trail)',
      metricName: metric.name,
      namespace: metric.namespace,
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.topicArn],
    });
  }
}

/** CloudWatch namespace of the trail alarm's metric. */
export const BREAK_GLASS_METRIC_NAMESPACE = 'SsmFederatedAccess';

/** Key policy: the account administers the key; EventBridge (and CloudWatch alarms) may encrypt messages for the topic. */
export function alarmKeyPolicy(accountId: string, cloudWatchAlarms = false): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AccountAdministers',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'kms:*',
      // "*" in a key policy is the key itself.
      Resource: '*',
    },
    {
      Sid: 'EventBridgePublishesAlarms',
      Effect: 'Allow',
      Principal: {
        Service: cloudWatchAlarms ? ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] : 'events.amazonaws.com',
      },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // "*" is this key. No source condition: the data key is asked for while SNS accepts the
      // message, and AWS's example for EventBridge targets names none; the topic policy is what
      // limits publishing to these rules.
      Resource: '*',
    },
  ]);
}

/** Topic policy: only the alarm rules (and the trail alarm) publish. */
export function alarmTopicPolicy(
  accountId: string,
  topicArn: string,
  ruleArns: readonly string[],
  alarmArns: readonly string[] = [],
): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (ruleArns.length > 0) {
    statements.push({
      Sid: 'AlarmRulesPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { ArnEquals: { 'aws:SourceArn': [...ruleArns] }, StringEquals: { 'aws:SourceAccount': accountId } },
    });
  }
  if (alarmArns.length > 0) {
    statements.push({
      Sid: 'TrailAlarmPublishes',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { ArnEquals: { 'aws:SourceArn': [...alarmArns] }, StringEquals: { 'aws:SourceAccount': accountId } },
    });
  }
  return policyDocument(statements);
}
