import { environmentSources } from '../../environments';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { type RuleSuppression, checkStack } from '../../modules/rules/check-stack';
import type { TerraformJson } from '../../modules/rules/rule';
import { SECURITY_BASELINE } from '../../modules/rules/security-baseline';
import { type Resource, regionOf, resources } from '../../modules/rules/terraform-json';
import { readPolicy, synthesize } from '../support/synth';

/**
 * The security baseline (modules/rules, the pack consumers run on their own stacks), checked on
 * the synthesized Terraform JSON of every shipped environment. The rules judge resource TYPES, not
 * this project's construct ids, so they also judge resources that other modules add later (the
 * launch tagger's log group and queue included). Each rule's both sides on small hand-written
 * stacks are in test/modules/rules; here every rule also gets a non-compliant case on the real
 * output (a copy of the example, or of dev, with one setting broken), so a rule that does not
 * recognize what the constructs write would be noticed.
 *
 * The documented exception, in the rules themselves (SFA-S6, SFA-S7): S3 server access logging
 * supports only SSE-S3 (AES256) as the target bucket's default encryption, and a target bucket must
 * not log its own access.
 */

type Rule = (json: TerraformJson) => string[];

/** A pack rule's findings as `<address>: <message>` lines. */
const ruleOf =
  (id: string): Rule =>
  (json) =>
    SECURITY_BASELINE.rules
      .find((r) => r.id === id)!
      .rule(json)
      .map((f) => `${f.address}: ${f.message}`);

const CONSOLE_READ =
  "The console's Session Manager page reads the connection status of every instance it lists; reading is harmless, starting a session is what the access rules decide (modules/session-access-policy/access-rules.ts, CONSOLE_READ_ACTIONS).";

/**
 * What the shipped environments accept, each with its reason: the "*" reads of the session
 * policies that the console makes on resources it cannot name in advance.
 */
const SUPPRESSIONS: readonly RuleSuppression[] = [
  {
    ruleId: 'SFA-IAM4',
    address: 'aws_iam_role_policy.session-access_role-policy_A080CFF9',
    reason: CONSOLE_READ,
    appliesTo: ['ConsoleRead/ssm:GetConnectionStatus'],
  },
  {
    ruleId: 'SFA-IAM4',
    address: 'aws_iam_role_policy.break-glass_session-access_BB6EBB1F',
    reason: CONSOLE_READ,
    appliesTo: ['ConsoleRead/ssm:GetConnectionStatus'],
  },
  {
    ruleId: 'SFA-IAM4',
    address: 'aws_iam_role_policy.session-access_role-policy_A080CFF9',
    reason:
      'The just-in-time console lists nodes, OpsItems and Quick Setup configurations it cannot name in advance (modules/session-access-policy/access-rules.ts, justInTimeRequesterStatements).',
    appliesTo: [
      'JustInTimeConsoleRead/ssm:ListTagsForResource',
      'JustInTimeConsoleRead/ssm:ListNodes',
      'JustInTimeConsoleRead/ssm:ListNodesSummary',
      'JustInTimeConsoleRead/ssm:GetOpsSummary',
      'JustInTimeConsoleRead/ssm-quicksetup:GetConfigurationManager',
      'JustInTimeConsoleRead/ssm-quicksetup:ListConfigurations',
      'JustInTimeConsoleRead/ssm-quicksetup:GetConfiguration',
    ],
  },
];

// --- tests -----------------------------------------------------------------------------------------

const names = environmentSources.map((s) => String(s.input.name));
const { configs, stacks } = synthesize();
const jsonOf = (name: string): TerraformJson => stacks.get(name)!.json;
const checks = new Map(names.map((name) => [name, checkStack(jsonOf(name), { suppressions: SUPPRESSIONS })]));

describe.each(names)('security baseline: %s', (name) => {
  it.each(SECURITY_BASELINE.rules.map((r) => [r.id, r.description]))('%s: %s', (id) => {
    expect(checks.get(name)!.findings.filter((f) => f.ruleId === id)).toEqual([]);
  });

  it('has what the baseline is about in every region: a key, a log group and a Session document', () => {
    const json = jsonOf(name);
    // The environment's regions (the break-glass sign-in alarms add providers in regions where
    // nothing else of the environment is).
    const regions: string[] = [...configs.find((c) => c.name === name)!.regions].sort();
    for (const type of ['aws_kms_key', 'aws_cloudwatch_log_group', 'aws_ssm_document']) {
      const found = [...new Set(resources(json, type).map(([, r]) => regionOf(json, r)))].sort();
      // Keys also encrypt the break-glass alarm topics in the sign-in-only regions.
      const here = type === 'aws_kms_key' ? found.filter((r) => regions.includes(r!)) : found;
      expect({ type, regions: here }).toEqual({ type, regions });
    }
  });
});

it('every suppression of the shipped environments accepts a finding in one of them', () => {
  const used = [...checks.values()].flatMap((c) => c.suppressed.map((s) => `${s.ruleId} ${s.address} ${s.detail}`));
  const named = SUPPRESSIONS.flatMap((s) => s.appliesTo!.map((d) => `${s.ruleId} ${s.address} ${d}`));
  expect(named.filter((n) => !used.includes(n))).toEqual([]);
});

describe('security baseline rules catch what they are for', () => {
  /** A copy of the example's JSON with one change. */
  function broken(change: (json: TerraformJson) => void): TerraformJson {
    const json = structuredClone(jsonOf('example'));
    change(json);
    return json;
  }
  const first = (json: TerraformJson, type: string): Resource => Object.values(json.resource[type])[0] as Resource;
  const firstWhere = (json: TerraformJson, type: string, test: (r: Resource) => boolean): Resource =>
    Object.values(json.resource[type]).find((r) => test(r as Resource)) as Resource;
  const documentInputs = (json: TerraformJson, change: (inputs: Resource) => void) => {
    const document = first(json, 'aws_ssm_document');
    const content = JSON.parse(unescapeTerraformTemplate(document.content));
    change(content.inputs);
    document.content = JSON.stringify(content);
  };
  const kmsTranscriptBucket = (r: Resource) => r.bucket?.includes('-ssm-sessions-');

  it.each<[string, Rule, (json: TerraformJson) => void, RegExp]>([
    ['key rotation off', ruleOf('SFA-KMS1'), (j) => (first(j, 'aws_kms_key').enable_key_rotation = false), /rotation/],
    ['no key policy', ruleOf('SFA-KMS2'), (j) => delete first(j, 'aws_kms_key').policy, /no key policy/],
    [
      'unencrypted log group',
      ruleOf('SFA-CWL2'),
      (j) => delete first(j, 'aws_cloudwatch_log_group').kms_key_id,
      /not encrypted/,
    ],
    [
      'log group kept 90 days',
      ruleOf('SFA-CWL1'),
      (j) => (first(j, 'aws_cloudwatch_log_group').retention_in_days = 90),
      /retention 90/,
    ],
    [
      'log group kept forever (no retention)',
      ruleOf('SFA-CWL1'),
      (j) => delete first(j, 'aws_cloudwatch_log_group').retention_in_days,
      /retention undefined/,
    ],
    [
      'a log group the key does not allow (e.g. a new function log group)',
      ruleOf('SFA-CWL3'),
      (j) => (first(j, 'aws_cloudwatch_log_group').name = '/aws/lambda/something-new'),
      /does not let CloudWatch Logs in eu-west-1 use it for the log group \/aws\/lambda\/something-new/,
    ],
    ['no session key', ruleOf('SFA-SSM1'), (j) => documentInputs(j, (i) => (i.kmsKeyId = '')), /no kmsKeyId/],
    [
      'no logging',
      ruleOf('SFA-SSM2'),
      (j) => documentInputs(j, (i) => ((i.s3BucketName = ''), (i.cloudWatchLogGroupName = ''))),
      /not logged/,
    ],
    [
      'string boolean',
      ruleOf('SFA-SSM3'),
      (j) => documentInputs(j, (i) => (i.runAsEnabled = 'true')),
      /runAsEnabled is not a JSON boolean/,
    ],
    [
      'S3 encryption off',
      ruleOf('SFA-SSM1'),
      (j) => documentInputs(j, (i) => (i.s3EncryptionEnabled = false)),
      /s3EncryptionEnabled/,
    ],
    [
      'bucket with SSE-S3',
      ruleOf('SFA-S6'),
      (j) =>
        (firstWhere(
          j,
          'aws_s3_bucket_server_side_encryption_configuration',
          (r) => r.rule[0].apply_server_side_encryption_by_default.sse_algorithm === 'aws:kms',
        ).rule = [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]),
      /not encrypted with a KMS key/,
    ],
    [
      'access-log bucket with SSE-KMS',
      ruleOf('SFA-S6'),
      (j) =>
        (firstWhere(
          j,
          'aws_s3_bucket_server_side_encryption_configuration',
          (r) => r.rule[0].apply_server_side_encryption_by_default.sse_algorithm === 'AES256',
        ).rule[0].apply_server_side_encryption_by_default.sse_algorithm = 'aws:kms'),
      /must use SSE-S3/,
    ],
    [
      'public access allowed',
      ruleOf('SFA-S1'),
      (j) => (first(j, 'aws_s3_bucket_public_access_block').restrict_public_buckets = false),
      /public access/,
    ],
    [
      'versioning suspended',
      ruleOf('SFA-S2'),
      (j) => (first(j, 'aws_s3_bucket_versioning').versioning_configuration.status = 'Suspended'),
      /not versioned/,
    ],
    [
      'no lifecycle',
      ruleOf('SFA-S4'),
      (j) => delete j.resource.aws_s3_bucket_lifecycle_configuration,
      /expires objects/,
    ],
    ['no access logging', ruleOf('SFA-S7'), (j) => delete j.resource.aws_s3_bucket_logging, /no server access logging/],
    ['no TLS-only policy', ruleOf('SFA-S5'), (j) => delete j.resource.aws_s3_bucket_policy, /TLS/],
    [
      'force_destroy',
      ruleOf('SFA-S8'),
      (j) => (firstWhere(j, 'aws_s3_bucket', kmsTranscriptBucket).force_destroy = true),
      /force_destroy/,
    ],
    [
      'a bucket added later with nothing',
      ruleOf('SFA-S1'),
      (j) => (j.resource.aws_s3_bucket.added_later = { bucket: 'added-later' }),
      /aws_s3_bucket\.added_later: public access/,
    ],
    [
      'an unencrypted queue added later',
      ruleOf('SFA-SQS1'),
      (j) => (j.resource.aws_sqs_queue = { dlq: { name: 'dlq', sqs_managed_sse_enabled: false } }),
      /aws_sqs_queue\.dlq: not encrypted/,
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(broken(change))).toContainEqual(expect.stringMatching(expected));
  });

  /** A copy of dev's JSON (it has CI roles) with one change. */
  function brokenDev(change: (json: TerraformJson) => void): TerraformJson {
    const json = structuredClone(jsonOf('dev'));
    change(json);
    return json;
  }
  const roleNamed = (json: TerraformJson, name: string): Resource =>
    Object.values(json.resource.aws_iam_role).find((r) => (r as Resource).name === name) as Resource;
  const deployRoleRef = (json: TerraformJson) =>
    `\${aws_iam_role.${Object.entries(json.resource.aws_iam_role).find(([, r]) => (r as Resource).name === 'dev-github-deploy')![0]}.name}`;

  it.each<[string, Rule, (json: TerraformJson) => void, RegExp]>([
    [
      'the deploy role with AdministratorAccess, as before',
      ruleOf('SFA-IAM1'),
      (j) =>
        (j.resource.aws_iam_role_policy_attachment.admin = {
          role: deployRoleRef(j),
          policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      /aws_iam_role_policy_attachment\.admin: attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
    ],
    [
      'IAMFullAccess in managed_policy_arns',
      ruleOf('SFA-IAM1'),
      (j) => (roleNamed(j, 'dev-github-plan').managed_policy_arns = ['arn:aws:iam::aws:policy/IAMFullAccess']),
      /managed_policy_arns include arn:aws:iam::aws:policy\/IAMFullAccess/,
    ],
    [
      'an inline policy allowing "*"',
      ruleOf('SFA-IAM2'),
      (j) =>
        (j.resource.aws_iam_role_policy.everything = {
          role: deployRoleRef(j),
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }],
          }),
        }),
      /aws_iam_role_policy\.everything: statement Everything allows "\*"/,
    ],
    [
      'a CI managed policy allowing "iam:*"',
      ruleOf('SFA-IAM2'),
      (j) => {
        const changes = Object.values(j.resource.aws_iam_policy).find((p) =>
          String((p as Resource).name).endsWith('-deploy-changes-identity'),
        ) as Resource;
        const policy = readPolicy(changes.policy);
        changes.policy = JSON.stringify({
          ...policy,
          Statement: [...policy.Statement, { Sid: 'AllIam', Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
        });
      },
      /statement AllIam allows "iam:\*"/,
    ],
    [
      'a role without the boundary',
      ruleOf('SFA-IAM3'),
      (j) => delete roleNamed(j, 'dev-ssm-managed-instance').permissions_boundary,
      /no permissions boundary, though CI deploys this stack/,
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(brokenDev(change))).toContainEqual(expect.stringMatching(expected));
  });

  it('the example (no CI) needs no boundary, and has no administrator role', () => {
    for (const id of ['SFA-IAM1', 'SFA-IAM2', 'SFA-IAM3']) expect(ruleOf(id)(jsonOf('example'))).toEqual([]);
  });

  it.each([
    ['SQS-managed SSE', { sqs_managed_sse_enabled: true }],
    ['a KMS key', { kms_master_key_id: '${aws_kms_key.k.arn}' }],
  ])('accepts a queue encrypted with %s', (_label, queue) => {
    expect(ruleOf('SFA-SQS1')(broken((j) => (j.resource.aws_sqs_queue = { q: { name: 'q', ...queue } })))).toEqual([]);
  });
});
