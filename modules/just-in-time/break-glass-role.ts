import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
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
import { reportProblems } from '../core/validation';
import { describeForReview } from '../core/review-metadata';
import type { SessionAccessPolicy } from '../session-access-policy/session-access-policy';

/** The audience of AWS sign-in SAML assertions. */
const SAML_SIGNIN_AUDIENCE = 'https://signin.aws.amazon.com/saml';

/**
 * Properties of a {@link BreakGlassRole}.
 */
export interface BreakGlassRoleProps {
  /** Provider for the role (IAM is global: the environment's primary provider). */
  readonly provider?: TerraformProvider;
  /** The environment's account (the role's and its sessions' ARNs are built from it). */
  readonly accountId: string;
  /** Role name; alarms match the role's sessions by it. */
  readonly roleName: string;
  /**
   * The session access policy the role gets, in **standing** mode: the point of the role is to open
   * sessions without waiting for an approval.
   */
  readonly sessionAccess: SessionAccessPolicy;
  /**
   * SAML provider whose users may assume the role (`sts:AssumeRoleWithSAML`, `SAML:aud` pinned to
   * the sign-in endpoint); the IdP sends this role only to the few who hold the emergency duty.
   *
   * @default - no SAML trust
   */
  readonly samlProviderArn?: string;
  /**
   * IAM principals that may assume the role with `sts:AssumeRole`, only with MFA.
   *
   * @default - none
   */
  readonly trustedPrincipalArns?: readonly string[];
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

/**
 * A separate role with standing session access for emergencies, when the approvers of
 * just-in-time access cannot be reached: its sessions need no approval, so every use must be seen.
 * Add {@link alarmIn} for each region the role can be used in (CloudTrail delivers each event to
 * the region of the call; sign-ins through the global STS endpoint and the console arrive in
 * us-east-1).
 *
 * The role's trust requires MFA for IAM principals and pins `SAML:aud` for a SAML provider.
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

  /** The account the role is in. */
  readonly accountId: string;
  /** The role's name (`BreakGlassRoleProps.roleName`). */
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: BreakGlassRoleProps) {
    super(scope, id);
    const problems: ConfigProblem[] = propProblems(this.node.path, [
      ['accountId', props.accountId, propRules.accountId],
      ['roleName', props.roleName, propRules.iamRoleName],
    ]);
    const trusted = props.trustedPrincipalArns ?? [];
    if (props.samlProviderArn === undefined && trusted.length === 0) {
      problems.push({
        file: this.node.path,
        path: 'samlProviderArn',
        value: undefined,
        message: 'or trustedPrincipalArns must say who may assume the role, or nobody can in an emergency. Set one',
      });
    }
    const hours = props.maxSessionDurationHours ?? 1;
    if (!Number.isInteger(hours) || hours < 1 || hours > 12) {
      problems.push({
        file: this.node.path,
        path: 'maxSessionDurationHours',
        value: hours,
        message: 'must be a whole number of hours from 1 to 12 (IAM range). Pick one',
      });
    }
    if (props.sessionAccess.accessMode !== 'standing') {
      problems.push({
        file: this.node.path,
        path: 'sessionAccess',
        value: props.sessionAccess.accessMode,
        message:
          'must be a SessionAccessPolicy in standing mode: a break-glass role that has to wait for approvals is none. Give it its own standing policy',
      });
    }
    reportProblems(this, problems);

    this.accountId = props.accountId;
    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    this.sessionArnPrefix = `arn:aws:sts::${props.accountId}:assumed-role/${props.roleName}/`;
    const statements: PolicyStatement[] = [];
    if (props.samlProviderArn !== undefined) {
      statements.push({
        Sid: 'EmergencySignInWithSaml',
        Effect: 'Allow',
        Principal: { Federated: props.samlProviderArn },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: { StringEquals: { 'SAML:aud': SAML_SIGNIN_AUDIENCE } },
      });
    }
    if (trusted.length > 0) {
      statements.push({
        Sid: 'EmergencyAssumeWithMfa',
        Effect: 'Allow',
        Principal: { AWS: [...trusted].sort() },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      });
    }
    this.trustPolicy = policyDocument(statements);
    this.role = new IamRole(this, 'role', {
      ...(props.provider ? { provider: props.provider } : {}),
      name: props.roleName,
      description: 'Break-glass: standing Session Manager access for emergencies; every use alarms',
      assumeRolePolicy: renderPolicy(this.trustPolicy),
      maxSessionDuration: hours * 3600,
      ...(props.permissionsBoundaryArn === undefined ? {} : { permissionsBoundary: props.permissionsBoundaryArn }),
    });
    const policy = new IamRolePolicy(this, 'session-access', {
      ...(props.provider ? { provider: props.provider } : {}),
      name: 'session-access',
      role: this.role.name,
      policy: props.sessionAccess.json,
    });
    this.roleName = props.roleName;
    describeForReview(policy, { part: 'break-glass-role', roleName: props.roleName });
  }

  /**
   * Alarms on every use of the role in one region: a KMS-encrypted SNS topic (or `topicArn`), and
   * EventBridge rules on its sign-ins (`AssumeRole`, `AssumeRoleWithSAML`, console sign-in) and on
   * `StartSession` by its sessions.
   */
  alarmIn(id: string, props: BreakGlassAlarmProps): BreakGlassAlarm {
    return new BreakGlassAlarm(this, id, { ...props, breakGlassRole: this });
  }
}

/** Where and to whom a {@link BreakGlassRole} alarms. */
export interface BreakGlassAlarmProps {
  /** Provider of `region`. */
  readonly provider?: TerraformProvider;
  /** The region whose CloudTrail events the rules see. */
  readonly region: AwsRegion;
  /** Name prefix of the topic, key alias and rules, e.g. the environment name. */
  readonly namePrefix: string;
  /**
   * An existing SNS topic in `region` to alarm (its policy must let EventBridge publish).
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
}

/** Properties of a {@link BreakGlassAlarm}: where, to whom, and for which role. */
export interface BreakGlassAlarmConstructProps extends BreakGlassAlarmProps {
  /** The role whose uses alarm. */
  readonly breakGlassRole: BreakGlassRole;
}

/** The event patterns of the alarms, as data (tests match sample events against them). */
export function breakGlassEventPatterns(roleArn: string, sessionArnPrefix: string) {
  return {
    signIn: {
      source: ['aws.sts'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['sts.amazonaws.com'],
        eventName: ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'],
        requestParameters: { roleArn: [roleArn] },
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

/** The alarms of a {@link BreakGlassRole} in one region. */
export class BreakGlassAlarm extends Construct {
  /** ARN of the topic alarmed. */
  readonly topicArn: string;
  /** The topic created; undefined when `topicArn` was given. */
  readonly topic?: SnsTopic;
  /** The key encrypting the created topic. */
  readonly key?: KmsKey;
  /** The EventBridge rules: sign-ins, console sign-ins, sessions. */
  readonly rules: readonly CloudwatchEventRule[];

  constructor(scope: Construct, id: string, props: BreakGlassAlarmConstructProps) {
    super(scope, id);
    reportProblems(this, propProblems(this.node.path, [['region', props.region, propRules.region]]));
    const provider = props.provider ? { provider: props.provider } : {};
    const { region, namePrefix } = props;
    const { accountId, roleArn, sessionArnPrefix } = props.breakGlassRole;
    const ruleNames = ['sign-in', 'console-sign-in', 'session'].map((r) => `${namePrefix}-break-glass-${r}`);
    const ruleArns = ruleNames.map((name) => `arn:aws:events:${region}:${accountId}:rule/${name}`);
    if (props.topicArn === undefined) {
      const topicName = `${namePrefix}-break-glass-alarms`;
      const topicArn = `arn:aws:sns:${region}:${accountId}:${topicName}`;
      // A customer managed key: EventBridge cannot publish to a topic encrypted with the AWS managed
      // key (alias/aws/sns), whose policy nobody can change to let it in.
      this.key = new KmsKey(this, 'key', {
        ...provider,
        description: `Encrypts the ${namePrefix} break-glass alarm topic`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: renderPolicy(alarmKeyPolicy(accountId)),
      });
      new KmsAlias(this, 'key_alias', { ...provider, name: `alias/${topicName}`, targetKeyId: this.key.keyId });
      this.topic = new SnsTopic(this, 'topic', { ...provider, name: topicName, kmsMasterKeyId: this.key.arn });
      new SnsTopicPolicy(this, 'topic_policy', {
        ...provider,
        arn: this.topic.arn,
        policy: renderPolicy(alarmTopicPolicy(accountId, topicArn, ruleArns)),
      });
      if (props.email !== undefined) {
        new SnsTopicSubscription(this, 'email', {
          ...provider,
          topicArn: this.topic.arn,
          protocol: 'email',
          endpoint: props.email,
        });
      }
      this.topicArn = this.topic.arn;
    } else {
      this.topicArn = props.topicArn;
    }
    const patterns = breakGlassEventPatterns(roleArn, sessionArnPrefix);
    const descriptions = [
      'The break-glass role was assumed',
      'Someone signed in to the console with the break-glass role',
      'The break-glass role opened or resumed a Session Manager session',
    ];
    this.rules = [patterns.signIn, patterns.consoleSignIn, patterns.session].map((pattern, i) => {
      const rule = new CloudwatchEventRule(this, `rule-${i}`, {
        ...provider,
        name: ruleNames[i]!,
        description: descriptions[i]!,
        eventPattern: JSON.stringify(pattern),
      });
      new CloudwatchEventTarget(this, `target-${i}`, {
        ...provider,
        rule: rule.name,
        arn: this.topicArn,
        targetId: 'alarm-topic',
      });
      return rule;
    });
    // The review shows, per region, that the role's sessions alarm.
    describeForReview(this.rules[2]!, { part: 'break-glass-alarm', roleName: props.breakGlassRole.roleName, region });
  }
}

/** Key policy: the account administers the key; EventBridge may encrypt messages for the topic. */
export function alarmKeyPolicy(accountId: string): PolicyDocument {
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
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // "*" is this key. No source condition: the data key is asked for while SNS accepts the
      // message, and AWS's example for EventBridge targets names none; the topic policy is what
      // limits publishing to these rules.
      Resource: '*',
    },
  ]);
}

/** Topic policy: only the alarm rules publish. */
export function alarmTopicPolicy(accountId: string, topicArn: string, ruleArns: readonly string[]): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AlarmRulesPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { ArnEquals: { 'aws:SourceArn': [...ruleArns] }, StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ]);
}
