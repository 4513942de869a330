import type { AwsRegion } from '../../modules/core/rules';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { loadEnvironments } from '../../modules/environment/load-environment';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { checkPolicies, policiesInScope } from '../../modules/core/policy-lint';
import { OWNER_TAG_KEY as HANDLER_OWNER_TAG_KEY } from '../../handlers/launch-tagger/decide';
import { DEFAULT_BUNDLE_PATH } from '../../modules/launch-tagger/bundle';
import { OWNERSHIP_TAG } from '../../modules/core/tag-names';
import { LaunchTagger, type LaunchTaggerProps } from '../../modules/launch-tagger/launch-tagger';
import { SamlFederation } from '../../modules/saml-federation/saml-federation';
import { InvalidConstruct, validated } from '../support/validation';
import { IDP_METADATA } from '../support/saml-metadata';
import {
  MODULE_FIXTURE,
  MODULE_FIXTURE_CI_SOURCE,
  MODULE_FIXTURE_SOURCE,
} from '../fixtures/environments/module-fixtures';
import { synthStack } from '../support/construct-synth';
import { matchesPattern } from '../support/event-pattern';
import { decide } from '../support/iam';
import {
  type SynthesizedStack,
  logicalIdAt,
  readPolicy,
  resourceAt,
  resourcesOfType,
  synthesize,
} from '../support/synth';
import { FIXTURES, type FixtureName, fixture } from '../handlers/launch-tagger/fixtures';

const ACCOUNT = '111111111111';
const FEDERATED_ROLE_ID = 'AROA2EXAMPLEFEDROLE01';

const props: Omit<LaunchTaggerProps, 'federation'> = {
  accountId: ACCOUNT,
  region: 'us-east-1',
  name: 'test-launch-tagger',
  launcherRoleNames: ['ServiceWorkbenchLauncher'],
};

/** The federation a tagger serves, in `stack`. */
function federationIn(stack: TerraformStack): SamlFederation {
  return new SamlFederation(stack, 'federation', {
    accountId: ACCOUNT,
    providerName: 'ExampleAdfs',
    metadataXml: IDP_METADATA,
    roleName: 'SsmFederatedShell',
  });
}

/** A stack with a default provider in eu-west-1 and an aliased one in us-east-1, as a two-region environment has. */
function stackWithProviders(): { stack: TerraformStack; provider: AwsProvider } {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const provider = new AwsProvider(stack, 'aws_us-east-1', { region: 'us-east-1', alias: 'us-east-1' });
  return { stack, provider };
}

/** One tagger in us-east-1 through an aliased provider, as a stack's second region gets it. */
function synthTagger(overrides: Partial<LaunchTaggerProps> = {}): SynthesizedStack {
  const { stack, provider } = stackWithProviders();
  new LaunchTagger(stack, 'tagger', { ...props, provider, federation: federationIn(stack), ...overrides });
  return synthStack(stack);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const at = (stack: SynthesizedStack, type: string, path: string): any => resourceAt(stack, type, `tagger/${path}`);

describe('LaunchTagger resources', () => {
  let stack: SynthesizedStack;
  beforeAll(() => {
    stack = synthTagger();
  });

  it('connects the rule to the function only once the invoke permission and the queue policy exist', () => {
    // Until both exist the first launch events would fail to invoke and could not be kept either.
    const target = at(stack, 'aws_cloudwatch_event_target', 'target');
    expect(target.depends_on).toEqual([
      `aws_lambda_permission.${logicalIdAt(stack, 'aws_lambda_permission', 'tagger/permission')}`,
      `aws_sqs_queue_policy.${logicalIdAt(stack, 'aws_sqs_queue_policy', 'tagger/dead_letter_queue_policy')}`,
    ]);
  });

  it('runs the bundled handler on nodejs22.x, arm64, traced, with reserved concurrency', () => {
    const fn = at(stack, 'aws_lambda_function', 'function');
    expect(fn).toMatchObject({
      function_name: 'test-launch-tagger',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 128,
      timeout: 60,
      reserved_concurrent_executions: 5,
      tracing_config: { mode: 'Active' },
      logging_config: {
        log_format: 'JSON',
        log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.\S+\.name\}$/),
      },
      environment: {
        variables: {
          FEDERATED_ROLE_NAME: 'SsmFederatedShell',
          FEDERATED_ROLE_UNIQUE_ID: expect.stringMatching(/^\$\{aws_iam_role\.federation_role_\w+\.unique_id\}$/),
          LAUNCHER_ROLE_NAMES: 'ServiceWorkbenchLauncher',
        },
      },
    });
    expect(fn.filename).toMatch(/^assets\/tagger_bundle_[0-9A-F]+\/[0-9A-F]{32}\/launch-tagger\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
    expect(fn.depends_on).toEqual([
      expect.stringMatching(/^aws_cloudwatch_log_group\./),
      expect.stringMatching(/^aws_iam_role_policy\./),
    ]);
  });

  it('creates its log group up front: kept a year, encrypted with its key', () => {
    expect(at(stack, 'aws_cloudwatch_log_group', 'log_group')).toEqual(
      expect.objectContaining({
        name: '/aws/lambda/test-launch-tagger',
        retention_in_days: 365,
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.\S+\.arn\}$/),
      }),
    );
  });

  it('creates a key with rotation whose policy lets IAM grant, Logs use it for this group, EventBridge for this rule', () => {
    const key = at(stack, 'aws_kms_key', 'key');
    expect(key.enable_key_rotation).toBe(true);
    const policy = readPolicy(key.policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Sid: 'AccountIamPoliciesMayGrant',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
      }),
      expect.objectContaining({
        Sid: 'CloudWatchLogsForTheFunctionLogGroup',
        Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Condition: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/test-launch-tagger`,
          },
        },
      }),
      expect.objectContaining({
        Sid: 'EventBridgeDeadLettersOfTheRule',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: {
          ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/test-launch-tagger-run-instances` },
        },
      }),
    ]);
    expect(at(stack, 'aws_kms_alias', 'key_alias').name).toBe('alias/test-launch-tagger');
  });

  it('uses a given key instead of creating one', () => {
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`;
    const withKey = synthTagger({ kmsKeyArn: keyArn });
    expect(resourcesOfType(withKey, 'aws_kms_key')).toEqual({});
    expect(at(withKey, 'aws_cloudwatch_log_group', 'log_group').kms_key_id).toBe(keyArn);
    expect(at(withKey, 'aws_sqs_queue', 'dead_letter_queue').kms_master_key_id).toBe(keyArn);
  });

  it('keeps failed events 14 days in a KMS-encrypted dead-letter queue that only TLS may reach', () => {
    expect(at(stack, 'aws_sqs_queue', 'dead_letter_queue')).toMatchObject({
      name: 'test-launch-tagger-dead-letters',
      message_retention_seconds: 1_209_600,
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.\S+\.arn\}$/),
    });
    const policy = readPolicy(at(stack, 'aws_sqs_queue_policy', 'dead_letter_queue_policy').policy);
    expect(policy.Statement.map((s) => [s.Sid, s.Effect, s.Action])).toEqual([
      ['DenyInsecureTransport', 'Deny', 'sqs:*'],
      ['EventBridgeDeadLettersOfTheRule', 'Allow', 'sqs:SendMessage'],
    ]);
  });

  it('sends events that fail after the retries to the queue (Lambda) and undeliverable ones too (EventBridge)', () => {
    expect(at(stack, 'aws_lambda_function_event_invoke_config', 'invoke_config')).toMatchObject({
      maximum_retry_attempts: 2,
      maximum_event_age_in_seconds: 21_600,
      destination_config: { on_failure: { destination: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.arn\}$/) } },
    });
    expect(at(stack, 'aws_cloudwatch_event_target', 'target')).toMatchObject({
      arn: expect.stringMatching(/^\$\{aws_lambda_function\.\S+\.arn\}$/),
      dead_letter_config: { arn: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.arn\}$/) },
    });
  });

  it('lets only its rule invoke the function', () => {
    expect(at(stack, 'aws_lambda_permission', 'permission')).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'events.amazonaws.com',
      source_arn: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.\S+\.arn\}$/),
    });
  });

  it('alarms when the dead-letter queue holds anything, notifying a topic when given one', () => {
    const alarm = at(stack, 'aws_cloudwatch_metric_alarm', 'alarm');
    expect(alarm).toMatchObject({
      alarm_name: 'test-launch-tagger-dead-letters-not-empty',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: expect.stringMatching(/^\$\{aws_sqs_queue\.\S+\.name\}$/) },
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(alarm.alarm_actions).toBeUndefined();
    const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:platform-alerts`;
    expect(at(synthTagger({ alarmTopicArn: topic }), 'aws_cloudwatch_metric_alarm', 'alarm')).toMatchObject({
      alarm_actions: [topic],
      ok_actions: [topic],
    });
  });

  it('puts every regional resource in its region (the provider) and the role where IAM is managed', () => {
    for (const [type, resources] of Object.entries(
      stack.json.resource as Record<string, Record<string, { provider?: string }>>,
    )) {
      for (const resource of Object.values(resources)) {
        expect({ type, provider: resource.provider }).toEqual({
          type,
          provider: type.startsWith('aws_iam_') ? undefined : 'aws.us-east-1',
        });
      }
    }
  });

  it('leaves DescribeInstances and the launcher list out in caller mode', () => {
    const callerMode = synthTagger({ launcherRoleNames: [] });
    const policy = readPolicy(at(callerMode, 'aws_iam_role_policy', 'role_policy').policy);
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('ReadCreatedByOfLaunchedInstances');
    expect(at(callerMode, 'aws_lambda_function', 'function').environment.variables.LAUNCHER_ROLE_NAMES).toBeUndefined();
  });

  it('grants exactly these actions, each with a Sid', () => {
    const policy = readPolicy(at(stack, 'aws_iam_role_policy', 'role_policy').policy);
    expect(policy.Statement.map((s) => [s.Sid, s.Action])).toEqual([
      ['TagInstancesWithOwnerOnly', ['ec2:CreateTags']],
      ['ReadCreatedByOfLaunchedInstances', ['ec2:DescribeInstances']],
      ['WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents']],
      ['SendTraces', ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']],
      ['DeadLetterFailedEvents', ['sqs:SendMessage']],
      ['EncryptDeadLetters', ['kms:GenerateDataKey', 'kms:Decrypt']],
    ]);
    expect(readPolicy(at(stack, 'aws_iam_role', 'role').assume_role_policy).Statement).toEqual([
      {
        Sid: 'LambdaAssumes',
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  it('passes the project policy lint', () => {
    const { stack: scope, provider } = stackWithProviders();
    new LaunchTagger(scope, 'tagger', { ...props, provider, federation: federationIn(scope) });
    expect(() => checkPolicies(policiesInScope(scope))).not.toThrow();
  });

  it('writes the same owner tag key the handler writes', () => {
    expect(OWNERSHIP_TAG).toBe(HANDLER_OWNER_TAG_KEY);
  });
});

describe('LaunchTagger props validation', () => {
  const build = (overrides: Partial<LaunchTaggerProps>) => () =>
    validated(() => {
      const { stack, provider } = stackWithProviders();
      return new LaunchTagger(stack, 'tagger', { ...props, provider, federation: federationIn(stack), ...overrides });
    });

  it.each<[string, Partial<LaunchTaggerProps>, string]>([
    ['a name too long for the role name', { name: 'x'.repeat(41) }, 'test/tagger: name must be 1-40 characters'],
    [
      'the federated role as a launcher',
      { launcherRoleNames: ['SsmFederatedShell'] },
      'launcherRoleNames.0 must not be the federated role',
    ],
    ['a launcher twice', { launcherRoleNames: ['A', 'A'] }, 'launcherRoleNames.1 must be listed once'],
    ['a bad launcher name', { launcherRoleNames: ['bad name'] }, 'launcherRoleNames.0 must be a valid IAM role name'],
    [
      'a short log retention',
      { logRetentionDays: 30 },
      'logRetentionDays must be a CloudWatch Logs retention of at least a year',
    ],
    ['three retries', { maxRetryAttempts: 3 }, 'maxRetryAttempts must be 0, 1 or 2'],
    [
      'a short event age',
      { maxEventAgeSeconds: 30 },
      'maxEventAgeSeconds must be a whole number of seconds from 60 to 21600',
    ],
    [
      'no concurrency',
      { reservedConcurrentExecutions: 0 },
      'reservedConcurrentExecutions must be a whole number from 1 to 1000',
    ],
    ['a key alias', { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/logs` }, 'kmsKeyArn must be a KMS key ARN'],
    [
      'a key in another region',
      { kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc` },
      "kmsKeyArn must be a key in the tagger's region",
    ],
    [
      'a topic in another region',
      { alarmTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts` },
      "alarmTopicArn must be a topic in the tagger's region",
    ],
    // A JavaScript caller (or a cast) can still pass any string: it is checked at run time too.
    ['an unknown region', { region: 'eu-west-9' as AwsRegion }, 'region must be an AWS region name'],
    [
      "a region other than its provider's",
      { region: 'eu-west-1' },
      'test/tagger: region must be the region of its provider (us-east-1)',
    ],
    [
      'no identity source',
      { federation: undefined },
      'test/tagger: federation must be given: the SamlFederation whose role launches instances',
    ],
  ])('rejects %s, reported when the app is validated', (_label, overrides, message) => {
    expect(build(overrides)).toThrow(InvalidConstruct);
    expect(build(overrides)).toThrow(message);
  });

  it('reports every problem of its props at once', () => {
    let problems: readonly string[] = [];
    try {
      build({ name: 'x'.repeat(41), maxRetryAttempts: 3, region: 'eu-west-1' })();
    } catch (error) {
      problems = (error as InvalidConstruct).problems;
    }
    expect(problems).toEqual([
      expect.stringContaining('region must be the region of its provider'),
      expect.stringContaining('name must be 1-40 characters'),
      expect.stringContaining('maxRetryAttempts must be 0, 1 or 2'),
    ]);
  });

  it('takes the region from its provider when it is left out', () => {
    const { stack, provider } = stackWithProviders();
    const tagger = validated(
      () =>
        new LaunchTagger(stack, 'tagger', { ...props, region: undefined, provider, federation: federationIn(stack) }),
    );
    expect(tagger.region).toBe('us-east-1');
    const { stack: defaults } = stackWithProviders();
    const primary = validated(
      () => new LaunchTagger(defaults, 'tagger', { ...props, region: undefined, federation: federationIn(defaults) }),
    );
    expect(primary.region).toBe('eu-west-1');
  });

  it("reads the federated role's name and unique id from the federation, so they cannot be misspelt", () => {
    const synthesized = synthTagger();
    const role = logicalIdAt(synthesized, 'aws_iam_role', 'federation/role');
    expect(at(synthesized, 'aws_lambda_function', 'function').environment.variables).toMatchObject({
      FEDERATED_ROLE_NAME: resourceAt(synthesized, 'aws_iam_role', 'federation/role').name,
      FEDERATED_ROLE_UNIQUE_ID: `\${aws_iam_role.${role}.unique_id}`,
    });
  });

  it('asks for `npm run build` when the deployment package is missing', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(() => LaunchTagger.bundleAsset(stack, 'bundle', '/nonexistent/launch-tagger.zip')).toThrow(
      'Run `npm run build` first',
    );
  });
});

describe('the launch tagger in the environments', () => {
  let stacks: Map<string, SynthesizedStack>;
  let fixture: SynthesizedStack;
  beforeAll(() => {
    stacks = synthesize([MODULE_FIXTURE_SOURCE, MODULE_FIXTURE_CI_SOURCE]).stacks;
    fixture = stacks.get('fixture')!;
  });

  const inFixture = (type: string, path: string) => resourceAt(fixture, type, path);

  it('deploys one tagger per region, each in its own region', () => {
    expect(inFixture('aws_lambda_function', 'launch-tagger-eu-west-1/function').provider).toBe('aws');
    expect(inFixture('aws_lambda_function', 'launch-tagger-us-east-1/function').provider).toBe('aws.us-east-1');
    expect(inFixture('aws_cloudwatch_event_rule', 'launch-tagger-us-east-1/rule').provider).toBe('aws.us-east-1');
  });

  it('names the roles the way the ownership-tag SCP exempts them, exactly', () => {
    const policy = resourceAt(fixture, 'aws_iam_role_policy', 'session-access/role-policy');
    const scp = JSON.parse(policy['//']['ssm-federated-access'].ownershipTagScp) as PolicyDocument;
    const names = ['eu-west-1', 'us-east-1'].map(
      (region) => inFixture('aws_iam_role', `launch-tagger-${region}/role`).name,
    );
    expect(names).toEqual(['fixture-launch-tagger-eu-west-1', 'fixture-launch-tagger-us-east-1']);
    for (const statement of scp.Statement) {
      expect(statement.Condition!.ArnNotEquals).toEqual({
        'aws:PrincipalArn': names.map((name) => `arn:aws:iam::111111111111:role/${name}`),
      });
    }
  });

  it('names its function and log group after the environment', () => {
    expect(inFixture('aws_lambda_function', 'launch-tagger-eu-west-1/function').function_name).toBe(
      'fixture-launch-tagger',
    );
    expect(inFixture('aws_cloudwatch_log_group', 'launch-tagger-eu-west-1/log_group').name).toBe(
      '/aws/lambda/fixture-launch-tagger',
    );
  });

  it('takes the federated role unique id from Terraform', () => {
    const fn = inFixture('aws_lambda_function', 'launch-tagger-eu-west-1/function');
    expect(fn.environment.variables.FEDERATED_ROLE_UNIQUE_ID).toMatch(
      /^\$\{aws_iam_role\.federation_role_\w+\.unique_id\}$/,
    );
    expect(fn.environment.variables.LAUNCHER_ROLE_NAMES).toBe('ServiceWorkbenchLauncher');
  });

  it('carries one copy of the deployment package per stack, the zip the build wrote', () => {
    const assets = readdirSync(join(fixture.dir, 'assets'));
    expect(assets.filter((a) => a.startsWith('launch-tagger-bundle'))).toHaveLength(1);
    const filenames = new Set(
      Object.values(resourcesOfType(fixture, 'aws_lambda_function')).map((f) => (f as { filename: string }).filename),
    );
    expect(filenames.size).toBe(1);
    const [filename] = filenames;
    expect(readFileSync(join(fixture.dir, filename)).equals(readFileSync(DEFAULT_BUNDLE_PATH))).toBe(true);
  });

  it('lists the dead-letter queues by region', () => {
    expect(Object.keys(fixture.json.output.launch_tagger_dead_letter_queues.value)).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('is caller mode only where no launcher is configured', () => {
    const callerMode = stacks.get('fixture-ci')!;
    const policy = readPolicy(
      resourceAt(callerMode, 'aws_iam_role_policy', 'launch-tagger-eu-central-1/role_policy').policy,
    );
    expect(policy.Statement.map((s) => s.Sid)).not.toContain('ReadCreatedByOfLaunchedInstances');
  });

  it('is left out when the environment turns it off', () => {
    const off = synthesize([
      { file: 'environments/off.ts', input: { ...fixtureInput(), launchTagger: { enabled: false } } },
    ]).stacks.get('fixture')!;
    expect(Object.keys(resourcesOfType(off, 'aws_lambda_function'))).toEqual([]);
    expect(off.json.output.launch_tagger_dead_letter_queues).toBeUndefined();
    expect(existsSync(join(off.dir, 'assets'))).toBe(false);
  });

  it('checks the environment settings with the same rules, naming the file and field', () => {
    const load = (launchTagger: object) => () =>
      loadEnvironments([{ file: 'environments/bad.ts', input: { ...fixtureInput(), launchTagger } }]);
    expect(load({ maxRetryAttempts: 5 })).toThrow(
      'environments/bad.ts: launchTagger.maxRetryAttempts must be 0, 1 or 2',
    );
    expect(load({ maxEventAgeSeconds: 10 })).toThrow(
      'launchTagger.maxEventAgeSeconds must be a whole number of seconds',
    );
    expect(load({ alarmTopicArns: { 'eu-west-1': 'alerts' } })).toThrow(
      'launchTagger.alarmTopicArns.eu-west-1 must be an SNS topic ARN',
    );
  });

  it('passes the environment settings through', () => {
    const input = {
      ...fixtureInput(),
      launchTagger: {
        enabled: true,
        maxRetryAttempts: 1,
        maxEventAgeSeconds: 3600,
        alarmTopicArns: { 'us-east-1': 'arn:aws:sns:us-east-1:111111111111:alerts' },
      },
    };
    const stack = synthesize([{ file: 'environments/custom.ts', input }]).stacks.get('fixture')!;
    expect(
      resourceAt(stack, 'aws_lambda_function_event_invoke_config', 'launch-tagger-eu-west-1/invoke_config'),
    ).toMatchObject({
      maximum_retry_attempts: 1,
      maximum_event_age_in_seconds: 3600,
    });
    expect(resourceAt(stack, 'aws_cloudwatch_metric_alarm', 'launch-tagger-us-east-1/alarm').alarm_actions).toEqual([
      'arn:aws:sns:us-east-1:111111111111:alerts',
    ]);
    expect(
      resourceAt(stack, 'aws_cloudwatch_metric_alarm', 'launch-tagger-eu-west-1/alarm').alarm_actions,
    ).toBeUndefined();
  });
});

describe('the rule pattern, as synthesized, against recorded CloudTrail events', () => {
  let pattern: Parameters<typeof matchesPattern>[1];
  beforeAll(() => {
    const stack = synthTagger();
    pattern = JSON.parse(at(stack, 'aws_cloudwatch_event_rule', 'rule').event_pattern);
  });

  const successful = FIXTURES.filter((name) => name !== 'run-instances-failed');
  it.each(successful)('matches the successful RunInstances call %s', (name: FixtureName) => {
    expect(matchesPattern(fixture(name), pattern)).toBe(true);
  });

  it('does not match a failed call (errorCode): the function is not even invoked', () => {
    expect(matchesPattern(fixture('run-instances-failed'), pattern)).toBe(false);
  });

  it.each([
    ['another API call', (e: { detail: { eventName: string } }) => (e.detail.eventName = 'TerminateInstances')],
    ['another service', (e: { detail: { eventSource: string } }) => (e.detail.eventSource = 's3.amazonaws.com')],
    ['another source', (e: { source: string }) => (e.source = 'aws.s3')],
    [
      'another detail-type',
      (e: { 'detail-type': string }) => (e['detail-type'] = 'EC2 Instance State-change Notification'),
    ],
  ])('does not match %s', (_label, change) => {
    const event = fixture('run-instances-federated');
    change(event);
    expect(matchesPattern(event, pattern)).toBe(false);
  });
});

describe("the function role's policy, as synthesized, evaluated by an IAM evaluator", () => {
  let policy: PolicyDocument;
  let callerModePolicy: PolicyDocument;
  const REGION = 'eu-west-1';

  /** The federated role's unique id is a Terraform reference in cdk.tf.json; give it a value. */
  const withRoleId = (rendered: string) =>
    readPolicy(rendered.replace(/\$\{aws_iam_role\.federation_role_\w+\.unique_id\}/g, FEDERATED_ROLE_ID));

  beforeAll(() => {
    const { stacks } = synthesize([MODULE_FIXTURE_SOURCE, MODULE_FIXTURE_CI_SOURCE]);
    policy = withRoleId(
      resourceAt(stacks.get('fixture')!, 'aws_iam_role_policy', `launch-tagger-${REGION}/role_policy`).policy,
    );
    callerModePolicy = withRoleId(
      resourceAt(stacks.get('fixture-ci')!, 'aws_iam_role_policy', 'launch-tagger-eu-central-1/role_policy').policy,
    );
  });

  function request(
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
    document: PolicyDocument = policy,
    region = REGION,
  ) {
    return decide({
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/fixture-launch-tagger-${region}/fixture-launch-tagger`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: { 'aws:RequestedRegion': region, ...context },
      },
      identityPolicies: [{ name: 'launch-tagger', policy: document }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    });
  }

  const instance = (region = REGION) => `arn:aws:ec2:${region}:${ACCOUNT}:instance/i-0a1b2c3d4e5f60001`;
  const ownerTag = (value = `${FEDERATED_ROLE_ID}:alice@example.com`) => ({
    'aws:TagKeys': ['AwsUserId'],
    'aws:RequestTag/AwsUserId': value,
  });

  it('allows CreateTags with only AwsUserId on an instance in its region', async () => {
    await expect(request('ec2:CreateTags', instance(), ownerTag())).resolves.toBe('Allowed');
  });

  it('denies another tag key', async () => {
    await expect(
      request('ec2:CreateTags', instance(), { 'aws:TagKeys': ['Name'], 'aws:RequestTag/Name': 'x' }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('denies an extra key beside AwsUserId', async () => {
    await expect(
      request('ec2:CreateTags', instance(), {
        ...ownerTag(),
        'aws:TagKeys': ['AwsUserId', 'Name'],
        'aws:RequestTag/Name': 'x',
      }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('denies a request without tag keys (ForAllValues alone would allow it)', async () => {
    await expect(request('ec2:CreateTags', instance(), {})).resolves.toBe('ImplicitlyDenied');
  });

  it('denies an owner value that is not a session of the federated role', async () => {
    await expect(request('ec2:CreateTags', instance(), ownerTag('AROA2EXAMPLELAUNCHER1:bob'))).resolves.toBe(
      'ImplicitlyDenied',
    );
    await expect(request('ec2:CreateTags', instance(), ownerTag(`${FEDERATED_ROLE_ID}:`))).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('denies an instance in another region', async () => {
    await expect(request('ec2:CreateTags', instance('us-east-1'), ownerTag())).resolves.toBe('ImplicitlyDenied');
  });

  it('denies tagging a volume', async () => {
    await expect(
      request('ec2:CreateTags', `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0a1b2c3d4e5f60001`, ownerTag()),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('denies DeleteTags', async () => {
    await expect(request('ec2:DeleteTags', instance(), { 'aws:TagKeys': ['AwsUserId'] })).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('allows DescribeInstances in its region in tag mode only', async () => {
    await expect(request('ec2:DescribeInstances', '*')).resolves.toBe('Allowed');
    await expect(request('ec2:DescribeInstances', '*', {}, policy, 'us-east-1')).resolves.toBe('ImplicitlyDenied');
    await expect(request('ec2:DescribeInstances', '*', {}, callerModePolicy, 'eu-central-1')).resolves.toBe(
      'ImplicitlyDenied',
    );
  });

  it('writes only its own log group', async () => {
    const group = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/fixture-launch-tagger`;
    await expect(request('logs:PutLogEvents', `${group}:log-stream:2025/11/03/[$LATEST]abc`)).resolves.toBe('Allowed');
    await expect(
      request(
        'logs:PutLogEvents',
        `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/ssm/fixture/sessions:log-stream:x`,
      ),
    ).resolves.toBe('ImplicitlyDenied');
  });

  it('sends only to its own dead-letter queue', async () => {
    await expect(
      request('sqs:SendMessage', `arn:aws:sqs:${REGION}:${ACCOUNT}:fixture-launch-tagger-dead-letters`),
    ).resolves.toBe('Allowed');
    await expect(request('sqs:SendMessage', `arn:aws:sqs:${REGION}:${ACCOUNT}:other-queue`)).resolves.toBe(
      'ImplicitlyDenied',
    );
  });
});

/** The module fixture environment's input, to change one setting of. */
function fixtureInput() {
  return { ...MODULE_FIXTURE };
}
