import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Fn, type TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';
import { describeForReview } from '../core/review-metadata';
import { type AwsRegion, type PropCheck, type Rule, propProblems, rules } from '../core/rules';
import { resolveRegion } from '../core/provider-region';
import { reportProblems } from '../core/validation';
import type { SamlFederation } from '../saml-federation/saml-federation';
import type { IdentityCenterPermissionSet } from '../identity-center/identity-center-permission-set';
import { DEFAULT_BUNDLE_PATH, launchTaggerBundle } from './bundle';
import { launchTaggerRules } from './rules';
import type { ConfigProblem } from '../core/config-error';
import { OWNERSHIP_TAG } from '../core/tag-names';
import { DEFAULT_LAUNCH_TAGGER_NAME, LAUNCH_TAGGER, launchTaggerRoleName } from '../core/launch-tagger-names';

/** Successful RunInstances calls only: failed calls (with `errorCode`) never invoke the function. */
export const RUN_INSTANCES_EVENT_PATTERN = {
  source: ['aws.ec2'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: {
    eventSource: ['ec2.amazonaws.com'],
    eventName: ['RunInstances'],
    errorCode: [{ exists: false }],
  },
} as const;

/**
 * Properties of a {@link LaunchTagger}.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
export interface LaunchTaggerProps {
  /** AWS account the tagger runs in (used to build ARNs without a data source). */
  readonly accountId: string;
  /**
   * Region the tagger serves; EventBridge sees only this region's launches. It must be the
   * region of `provider` (an error otherwise).
   *
   * @default - the region of `provider` (or of the stack's default provider)
   */
  readonly region?: AwsRegion;
  /**
   * Provider for `region`; every regional resource of the tagger uses it.
   *
   * @default - the stack's default provider
   */
  readonly provider?: AwsProvider;
  /**
   * Provider for the function's role and its policy. IAM is global: a stack manages all of it
   * through one provider, whichever region the tagger serves.
   *
   * @default - the stack's default provider
   */
  readonly iamProvider?: AwsProvider;
  /**
   * SAML: the federation whose role's sessions the tagger serves. Caller mode tags instances that
   * the role's sessions launch themselves; tag-mode owners are `<the role's unique id>:<CreatedBy>`,
   * and the function may write no other owner values. The role's name and unique id come from the
   * construct (the id is a Terraform reference), so they cannot be misspelt.
   * Give this or `permissionSet`, not both.
   *
   * @default - none: an Identity Center tagger (`permissionSet`)
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
   */
  readonly federation?: SamlFederation;
  /**
   * IAM Identity Center: the permission set people launch with. Its role in the account,
   * `AWSReservedSSO_<name>_<suffix>` under `/aws-reserved/sso.amazonaws.com/`, exists only once
   * Identity Center provisions it, so its unique id is not known at synth time: caller mode
   * recognises the role by path and name, and tag mode looks its id up at run time (IAM
   * `ListRoles`, cached). Owner values are then only checked for their shape (`AROA*:<name>`).
   * Give this or `federation`, not both.
   *
   * @default - none: a SAML tagger (`federation`)
   * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html
   */
  readonly permissionSet?: IdentityCenterPermissionSet;
  /**
   * Roles that launch instances on a person's behalf and write that person's user name in the
   * `CreatedBy` tag (tag mode), for example Service Workbench's launcher role.
   *
   * @default - none: caller mode only, and the function may not call DescribeInstances
   */
  readonly launcherRoleNames?: readonly string[];
  /**
   * Base of every resource name (1-40 characters: letters, digits, `-` and `_`): the function, its
   * log group, queue, rule and alarm, and the role (which adds `-<region>` because IAM names are
   * global). The SCP of a `SessionAccessPolicy` in the same stack exempts this tagger's roles by
   * this name, whatever it is.
   *
   * @default 'launch-tagger'
   */
  readonly name?: string;
  /**
   * The handler's deployment package as a FILE asset. Create it once per stack with
   * `LaunchTagger.bundleAsset(stack)` and pass it to the tagger of every region.
   *
   * @default - an asset of `dist/launch-tagger/launch-tagger.zip` (built by `npm run build`) inside this construct
   */
  readonly bundle?: TerraformAsset;
  /**
   * KMS key (ARN, in `region` and `accountId`; not an alias) for the log group and the
   * dead-letter queue. Its key policy must let `logs.<region>.amazonaws.com` use it for this log
   * group and `events.amazonaws.com` for the rule.
   *
   * @default - a key created here, with rotation on and exactly those grants
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  readonly kmsKeyArn?: string;
  /**
   * How long the function's logs are kept, in days: a value CloudWatch Logs accepts, 365 or more.
   *
   * @default 365
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
   */
  readonly logRetentionDays?: number;
  /**
   * Lambda retries of an event the function failed on, before the event goes to the dead-letter queue (0-2).
   *
   * @default 2
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
   */
  readonly maxRetryAttempts?: number;
  /**
   * How long Lambda keeps trying an event (throttled or failing), in seconds (60-21600); older
   * events go to the dead-letter queue.
   *
   * @default 21600 (6 hours)
   * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
   */
  readonly maxEventAgeSeconds?: number;
  /**
   * Concurrent executions reserved for the function (1-1000), which also caps its EC2 request rate.
   * Accounts whose concurrency quota is 10 cannot reserve any: raise the quota first.
   *
   * @default 5
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Function timeout, in seconds (10-900); throttled calls back off inside it.
   *
   * @default 60
   * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
   */
  readonly timeoutSeconds?: number;
  /**
   * SNS topic (ARN, in `region`) told when the dead-letter queue holds events, and again when it is empty.
   *
   * @default - no alarm actions (the alarm still shows in CloudWatch)
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
   */
  readonly alarmTopicArn?: string;
  /**
   * ARN of a managed policy to set as the function role's permissions boundary (the stack passes
   * `GitHubActionsRoles.permissionsBoundaryArn` when CI deploys it).
   *
   * @default - no permissions boundary
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * Sets the `AwsUserId` ownership tag on every instance launched in one region, from CloudTrail's
 * `RunInstances` events: an EventBridge rule (successful calls only), a Node.js function bundled
 * with esbuild, a KMS-encrypted dead-letter queue for events that still fail after the retries,
 * and an alarm on that queue. Needs CloudTrail management events in the account (a trail).
 *
 * The function's role may tag only instances in this region, only with `AwsUserId`, and only with
 * owner values of the federated role's sessions (for an Identity Center permission set, whose role
 * id is unknown at synth time: values shaped like a role session's `aws:userid`, `AROA*:<name>`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export class LaunchTagger extends Construct {
  /** Lets `SessionAccessPolicy` find the stack's taggers for its SCP exemption. */
  readonly [LAUNCH_TAGGER] = true as const;

  /**
   * The handler's deployment package for a stack: create once, pass to every region's tagger
   * (`LaunchTaggerProps.bundle`).
   *
   * @param scope - The stack.
   * @param id - Construct id of the asset.
   * @param zipPath - The zip `npm run build` writes; the package ships it prebuilt.
   * @returns A FILE asset copied into the stack's output as it is.
   */
  static bundleAsset(scope: Construct, id = 'launch_tagger_bundle', zipPath = DEFAULT_BUNDLE_PATH): TerraformAsset {
    return launchTaggerBundle(scope, id, zipPath);
  }

  /** The base of the tagger's resource names (`LaunchTaggerProps.name`); its roles are `<name>-<region>`. */
  readonly name: string;
  /** The region the tagger serves (its provider's). */
  readonly region: AwsRegion;
  /** The function (escape hatch: the raw `aws_lambda_function` resource). */
  readonly function: LambdaFunction;
  /** The function's role, `<name>-<region>`. */
  readonly role: IamRole;
  /** The function's log group, `/aws/lambda/<name>`, KMS-encrypted. */
  readonly logGroup: CloudwatchLogGroup;
  /** Events that still failed after the retries, from Lambda and from EventBridge; kept 14 days. */
  readonly deadLetterQueue: SqsQueue;
  /** The EventBridge rule on successful `RunInstances` calls (CloudTrail). */
  readonly rule: CloudwatchEventRule;
  /** Alarm while the dead-letter queue holds events. */
  readonly alarm: CloudwatchMetricAlarm;
  /** The key created for the tagger; undefined when `kmsKeyArn` was given. */
  readonly key?: KmsKey;
  /** ARN of the key encrypting the logs and the dead-letter queue. */
  readonly kmsKeyArn: string;
  /** The function role's policy, as data. */
  readonly rolePolicy: PolicyDocument;

  constructor(scope: Construct, id: string, props: LaunchTaggerProps) {
    super(scope, id);
    const resolved = resolveRegion(this, props.region, props.provider);
    const region = resolved.region;
    const identity = identityOf(props);
    reportProblems(this, [...resolved.problems, ...propsProblems(this.node.path, props, region, identity)]);

    this.name = props.name ?? DEFAULT_LAUNCH_TAGGER_NAME;
    this.region = region;
    const names = resourceNames(this.name, region, props.accountId);
    if (props.kmsKeyArn === undefined) this.key = this.addKey(props, names);
    this.kmsKeyArn = props.kmsKeyArn ?? this.key!.arn;
    this.logGroup = new CloudwatchLogGroup(this, 'log_group', {
      provider: props.provider,
      name: names.logGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: this.kmsKeyArn,
    });
    const deadLetters = this.addDeadLetterQueue(props, names);
    this.deadLetterQueue = deadLetters.queue;

    const launchers = props.launcherRoleNames ?? [];
    this.rolePolicy = functionPolicy({
      accountId: props.accountId,
      region,
      logGroupArn: names.logGroupArn,
      queueArn: names.queueArn,
      kmsKeyArn: this.kmsKeyArn,
      ...(identity?.kind === 'identity-center'
        ? { identityCenter: true }
        : { federatedRoleUniqueId: identity?.federatedRoleUniqueId ?? '' }),
      tagMode: launchers.length > 0,
    });
    const role = this.addRole(props, launchers, names);
    this.role = role.role;
    this.function = this.addFunction(props, identity, launchers, role.policy);
    // Lambda checks the role may send to the destination when the config is saved.
    new LambdaFunctionEventInvokeConfig(this, 'invoke_config', {
      provider: props.provider,
      functionName: this.function.functionName,
      maximumRetryAttempts: props.maxRetryAttempts ?? 2,
      maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 21_600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
      dependsOn: [role.policy],
    });
    this.rule = this.addRule(props, names, deadLetters.policy);
    this.alarm = this.addAlarm(props);
  }

  /** The key of the tagger's logs and dead-letter queue, with rotation on and an alias. */
  private addKey(props: LaunchTaggerProps, names: ResourceNames): KmsKey {
    const key = new KmsKey(this, 'key', {
      provider: props.provider,
      description: `Encrypts the ${this.name} function's logs and dead-letter queue`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: renderPolicy(keyPolicy(props.accountId, this.region, names.logGroupArn, names.ruleArn)),
    });
    new KmsAlias(this, 'key_alias', { provider: props.provider, name: `alias/${this.name}`, targetKeyId: key.keyId });
    return key;
  }

  /** The dead-letter queue, encrypted, and its policy, which lets the rule send to it. */
  private addDeadLetterQueue(
    props: LaunchTaggerProps,
    names: ResourceNames,
  ): { readonly queue: SqsQueue; readonly policy: SqsQueuePolicy } {
    const queue = new SqsQueue(this, 'dead_letter_queue', {
      provider: props.provider,
      name: names.queueName,
      messageRetentionSeconds: 14 * 24 * 3600,
      kmsMasterKeyId: this.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
    });
    const policy = new SqsQueuePolicy(this, 'dead_letter_queue_policy', {
      provider: props.provider,
      queueUrl: queue.url,
      policy: renderPolicy(queuePolicy(names.queueArn, names.ruleArn)),
    });
    return { queue, policy };
  }

  /** The function's role, `<name>-<region>`, and its inline policy ({@link rolePolicy}). */
  private addRole(
    props: LaunchTaggerProps,
    launchers: readonly string[],
    names: ResourceNames,
  ): { readonly role: IamRole; readonly policy: IamRolePolicy } {
    const role = new IamRole(this, 'role', {
      provider: props.iamProvider,
      name: launchTaggerRoleName(this.name, this.region),
      description: `Runs the ${this.name} function in ${this.region}: sets the AwsUserId tag on launched instances`,
      assumeRolePolicy: renderPolicy(
        policyDocument([
          {
            Sid: 'LambdaAssumes',
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ]),
      ),
      ...(props.permissionsBoundaryArn === undefined ? {} : { permissionsBoundary: props.permissionsBoundaryArn }),
    });
    describeForReview(role, {
      part: 'launch-tagger-role',
      region: this.region,
      name: this.name,
      roleName: launchTaggerRoleName(this.name, this.region),
      deadLetterQueueName: names.queueName,
      launcherRoleNames: launchers,
    });
    const policy = new IamRolePolicy(this, 'role_policy', {
      provider: props.iamProvider,
      name: 'launch-tagger',
      role: role.id,
      policy: renderPolicy(this.rolePolicy),
    });
    return { role, policy };
  }

  /** The function, told which sessions' launches to tag (and which launchers to read `CreatedBy` from). */
  private addFunction(
    props: LaunchTaggerProps,
    identity: TaggerIdentity | undefined,
    launchers: readonly string[],
    rolePolicy: IamRolePolicy,
  ): LambdaFunction {
    const bundle = props.bundle ?? launchTaggerBundle(this, 'bundle');
    return new LambdaFunction(this, 'function', {
      provider: props.provider,
      functionName: this.name,
      description: 'Sets the AwsUserId ownership tag on instances launched in this region (CloudTrail RunInstances)',
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: bundle.path,
      sourceCodeHash: Fn.filebase64sha256(bundle.path),
      memorySize: 128,
      timeout: props.timeoutSeconds ?? 60,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 5,
      tracingConfig: { mode: 'Active' },
      loggingConfig: {
        logFormat: 'JSON',
        logGroup: this.logGroup.name,
        applicationLogLevel: 'INFO',
        systemLogLevel: 'WARN',
      },
      environment: {
        variables: {
          ...(identity?.kind === 'identity-center'
            ? { PERMISSION_SET_NAME: identity.permissionSetName }
            : {
                FEDERATED_ROLE_NAME: identity?.federatedRoleName ?? '',
                FEDERATED_ROLE_UNIQUE_ID: identity?.federatedRoleUniqueId ?? '',
              }),
          ...(launchers.length > 0 ? { LAUNCHER_ROLE_NAMES: launchers.join(',') } : {}),
        },
      },
      // The group must exist (with its key and retention) before the first invocation creates it bare.
      dependsOn: [this.logGroup, rolePolicy],
    });
  }

  /** The EventBridge rule on successful `RunInstances` calls, its permission to invoke the function, and its target. */
  private addRule(props: LaunchTaggerProps, names: ResourceNames, queuePolicy: SqsQueuePolicy): CloudwatchEventRule {
    const provider = props.provider;
    const rule = new CloudwatchEventRule(this, 'rule', {
      provider,
      name: names.ruleName,
      description: 'Successful EC2 RunInstances calls (CloudTrail), for the launch tagger',
      eventPattern: JSON.stringify(RUN_INSTANCES_EVENT_PATTERN),
      state: 'ENABLED',
    });
    const permission = new LambdaPermission(this, 'permission', {
      provider,
      statementId: 'AllowRunInstancesRule',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });
    new CloudwatchEventTarget(this, 'target', {
      provider,
      rule: rule.name,
      targetId: 'launch-tagger',
      arn: this.function.arn,
      // Events EventBridge cannot deliver at all (for example a missing permission) are kept too.
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
      // Without the permission the first events would fail to invoke, and without the queue policy
      // EventBridge could not keep them: both must be in place before the target starts delivering.
      dependsOn: [permission, queuePolicy],
    });
    return rule;
  }

  /** The alarm while the dead-letter queue holds events, telling `alarmTopicArn` when there is one. */
  private addAlarm(props: LaunchTaggerProps): CloudwatchMetricAlarm {
    const actions =
      props.alarmTopicArn === undefined
        ? {}
        : { alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn] };
    return new CloudwatchMetricAlarm(this, 'alarm', {
      provider: props.provider,
      alarmName: `${this.name}-dead-letters-not-empty`,
      alarmDescription:
        'Launch events the tagger could not process are waiting in its dead-letter queue: those instances may have no AwsUserId owner tag. Read the function logs, fix the cause, and replay the events (README, "Launch tagger").',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
  }
}

/** The names and ARNs of a tagger's regional resources, known before they exist (the key policy names them). */
interface ResourceNames {
  readonly logGroupName: string;
  readonly logGroupArn: string;
  readonly queueName: string;
  readonly queueArn: string;
  readonly ruleName: string;
  readonly ruleArn: string;
}

function resourceNames(name: string, region: string, accountId: string): ResourceNames {
  const logGroupName = `/aws/lambda/${name}`;
  const queueName = `${name}-dead-letters`;
  const ruleName = `${name}-run-instances`;
  return {
    logGroupName,
    logGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:${logGroupName}`,
    queueName,
    queueArn: `arn:aws:sqs:${region}:${accountId}:${queueName}`,
    ruleName,
    ruleArn: `arn:aws:events:${region}:${accountId}:rule/${ruleName}`,
  };
}

interface FunctionPolicyInput {
  readonly accountId: string;
  readonly region: string;
  readonly logGroupArn: string;
  readonly queueArn: string;
  readonly kmsKeyArn: string;
  /** SAML: owner values start with this role id. */
  readonly federatedRoleUniqueId?: string;
  /** Identity Center: the role id is looked up at run time; owner values are checked for shape only. */
  readonly identityCenter?: boolean;
  /** Launchers configured: the function may read CreatedBy with DescribeInstances. */
  readonly tagMode: boolean;
}

/** Owner values any role session could have: `<role unique id>:<session name>`. */
export const ANY_ROLE_SESSION_OWNER = 'AROA*:?*';

/** The function role's policy: exactly what the handler calls, scoped to this region and tagger. */
export function functionPolicy(input: FunctionPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: 'TagInstancesWithOwnerOnly',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: [`arn:aws:ec2:${input.region}:${input.accountId}:instance/*`],
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': [OWNERSHIP_TAG] },
        // ForAllValues alone also passes a request without tag keys; require the owner key itself.
        'ForAnyValue:StringEquals': { 'aws:TagKeys': [OWNERSHIP_TAG] },
        // Owner values are `<federated role id>:<session name>` in both modes, never anything else.
        // Identity Center: the permission set role's id is unknown at synth time, so the shape of a
        // role session's aws:userid is what can be enforced.
        StringLike: {
          [`aws:RequestTag/${OWNERSHIP_TAG}`]: input.identityCenter
            ? ANY_ROLE_SESSION_OWNER
            : `${input.federatedRoleUniqueId}:?*`,
        },
      },
    },
  ];
  if (input.identityCenter && input.tagMode) {
    statements.push({
      Sid: 'FindPermissionSetRole',
      Effect: 'Allow',
      // Read-only. ListRoles supports no resource-level permissions (a role ARN here would never
      // match); the function asks only for the path /aws-reserved/sso.amazonaws.com/.
      Action: ['iam:ListRoles'],
      Resource: ['*'],
    });
  }
  if (input.tagMode) {
    statements.push({
      Sid: 'ReadCreatedByOfLaunchedInstances',
      Effect: 'Allow',
      Action: ['ec2:DescribeInstances'],
      // DescribeInstances supports no resource-level permissions; the region condition narrows it.
      Resource: ['*'],
      Condition: { StringEquals: { 'aws:RequestedRegion': input.region } },
    });
  }
  statements.push(
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [`${input.logGroupArn}:*`],
    },
    {
      Sid: 'SendTraces',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      // X-Ray's trace APIs support no resource-level permissions.
      Resource: ['*'],
    },
    {
      Sid: 'DeadLetterFailedEvents',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [input.queueArn],
    },
    {
      Sid: 'EncryptDeadLetters',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: [input.kmsKeyArn],
      Condition: { StringEquals: { 'kms:ViaService': `sqs.${input.region}.amazonaws.com` } },
    },
  );
  return policyDocument(statements);
}

/**
 * The key policy of the tagger's own key: IAM policies of the account may grant it (the role's
 * policy does, for the queue); CloudWatch Logs may use it for this log group only; EventBridge for
 * this rule's dead letters only.
 */
export function keyPolicy(accountId: string, region: string, logGroupArn: string, ruleArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: 'AccountIamPoliciesMayGrant',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'kms:*',
      // In a key policy, "*" is this key.
      Resource: '*',
    },
    {
      Sid: 'CloudWatchLogsForTheFunctionLogGroup',
      Effect: 'Allow',
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
    },
    {
      Sid: 'EventBridgeDeadLettersOfTheRule',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    },
  ]);
}

/** The dead-letter queue's policy: TLS only, and EventBridge may send this rule's undeliverable events. */
export function queuePolicy(queueArn: string, ruleArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: queueArn,
      Condition: { Bool: { 'aws:SecureTransport': false } },
    },
    {
      Sid: 'EventBridgeDeadLettersOfTheRule',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    },
  ]);
}

/** Whose sessions the tagger serves, from the construct it was given. */
type TaggerIdentity =
  | { readonly kind: 'saml'; readonly federatedRoleName: string; readonly federatedRoleUniqueId: string }
  | { readonly kind: 'identity-center'; readonly permissionSetName: string };

function identityOf(props: LaunchTaggerProps): TaggerIdentity | undefined {
  if (props.federation && !props.permissionSet) {
    return {
      kind: 'saml',
      federatedRoleName: props.federation.roleName,
      federatedRoleUniqueId: props.federation.role.uniqueId,
    };
  }
  if (props.permissionSet && !props.federation) {
    return { kind: 'identity-center', permissionSetName: props.permissionSet.permissionSetName };
  }
  return undefined;
}

function propsProblems(
  where: string,
  props: LaunchTaggerProps,
  region: string,
  identity: TaggerIdentity | undefined,
): ConfigProblem[] {
  const launchers = props.launcherRoleNames ?? [];
  const problems: ConfigProblem[] = [];
  if (identity === undefined) {
    const both = props.federation !== undefined;
    problems.push({
      file: where,
      path: both ? 'permissionSet' : 'federation',
      value: undefined,
      message: both
        ? 'must not be given with federation: a tagger serves one identity source. Give either the SAML federation or the Identity Center permission set'
        : 'must be given: the SamlFederation whose role launches instances, or permissionSet for IAM Identity Center. Pass the construct',
    });
  }
  const notFederated: Rule<string> = {
    test: (v) => identity?.kind !== 'saml' || v !== identity.federatedRoleName,
    message: 'must not be the federated role (its sessions are tagged in caller mode). Remove it from the launchers',
  };
  const listedOnce: Rule<string> = {
    test: (v) => launchers.indexOf(v) === launchers.lastIndexOf(v),
    message: 'must be listed once. Remove the duplicate',
  };
  const keyInRegion: Rule<string> = {
    test: (v) => v.split(':')[3] === region && v.split(':')[4] === props.accountId,
    message: `must be a key in the tagger's region and account (${region}, ${props.accountId}). Use a key there, or leave it out to create one`,
  };
  const topicInRegion: Rule<string> = {
    test: (v) => v.split(':')[3] === region,
    message: `must be a topic in the tagger's region (${region}): an alarm notifies only topics of its own region. Use a topic there`,
  };
  const valid = (value: string | undefined, rule: Rule<string>) =>
    value !== undefined && rule.test(value) ? value : undefined;
  const checks: PropCheck[] = [
    ['accountId', props.accountId, rules.accountId],
    ['name', props.name, launchTaggerRules.name],
    ...launchers.flatMap((launcher, i): PropCheck[] => [
      [`launcherRoleNames.${i}`, launcher, rules.iamRoleName],
      [`launcherRoleNames.${i}`, launcher, notFederated],
      [`launcherRoleNames.${i}`, launcher, listedOnce],
    ]),
    ['kmsKeyArn', props.kmsKeyArn, launchTaggerRules.kmsKeyArn],
    ['kmsKeyArn', valid(props.kmsKeyArn, launchTaggerRules.kmsKeyArn), keyInRegion],
    ['logRetentionDays', props.logRetentionDays, launchTaggerRules.logRetentionDays],
    ['maxRetryAttempts', props.maxRetryAttempts, launchTaggerRules.maxRetryAttempts],
    ['maxEventAgeSeconds', props.maxEventAgeSeconds, launchTaggerRules.maxEventAgeSeconds],
    [
      'reservedConcurrentExecutions',
      props.reservedConcurrentExecutions,
      launchTaggerRules.reservedConcurrentExecutions,
    ],
    ['timeoutSeconds', props.timeoutSeconds, launchTaggerRules.timeoutSeconds],
    ['alarmTopicArn', props.alarmTopicArn, launchTaggerRules.snsTopicArn],
    ['alarmTopicArn', valid(props.alarmTopicArn, launchTaggerRules.snsTopicArn), topicInRegion],
  ];
  return [...problems, ...propProblems(where, checks)];
}
