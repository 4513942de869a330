import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TerraformJson } from '../../../modules/rules/rule';
import { SECURITY_BASELINE } from '../../../modules/rules/security-baseline';

/**
 * Every rule of the security baseline, on both sides: a small hand-written stack that meets them
 * all (fixtures/compliant-stack.json), and one change each that a rule must catch. The messages
 * expected are written here, from what each rule is for.
 */

const COMPLIANT: TerraformJson = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'compliant-stack.json'), 'utf8'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = Record<string, any>;

/** A copy of the compliant stack with one change. */
function changed(change: (json: TerraformJson) => void): TerraformJson {
  const json = structuredClone(COMPLIANT);
  change(json);
  return json;
}

const ruleOf = (id: string) => SECURITY_BASELINE.rules.find((r) => r.id === id)!.rule;
const document = (json: TerraformJson, change: (inputs: Resource) => void) => {
  const preferences = json.resource.aws_ssm_document.preferences;
  const content = JSON.parse(preferences.content);
  change(content.inputs);
  preferences.content = JSON.stringify(content);
};
const policy = (...statements: Resource[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const addRolePolicy = (json: TerraformJson, ...statements: Resource[]) =>
  (json.resource.aws_iam_role_policy.added = { role: '${aws_iam_role.sessions.name}', policy: policy(...statements) });
const withCi = (json: TerraformJson) =>
  (json.resource.aws_iam_openid_connect_provider = { github: { url: 'https://token.actions.githubusercontent.com' } });

describe('the compliant stack', () => {
  it.each(SECURITY_BASELINE.rules.map((r) => [r.id, r] as const))('meets %s', (_id, { rule }) => {
    expect(rule(COMPLIANT)).toEqual([]);
  });

  it('meets SFA-IAM3 with CI too, every role being bounded', () => {
    const json = changed((j) => {
      withCi(j);
      j.resource.aws_iam_role.sessions.permissions_boundary = 'arn:aws:iam::111111111111:policy/boundary';
    });
    expect(ruleOf('SFA-IAM3')(json)).toEqual([]);
  });

  it.each([
    ['SQS-managed SSE', { sqs_managed_sse_enabled: true }],
    ['a KMS key', { kms_master_key_id: '${aws_kms_key.sessions.arn}' }],
  ])('meets SFA-SQS1 with a queue encrypted with %s', (_label, queue) => {
    expect(ruleOf('SFA-SQS1')(changed((j) => (j.resource.aws_sqs_queue = { q: { name: 'q', ...queue } })))).toEqual([]);
  });

  it('meets SFA-IAM4 with a restrictable action on ARNs, and with a boundary that is attached to no role', () => {
    const json = changed((j) => {
      addRolePolicy(j, {
        Sid: 'Named',
        Effect: 'Allow',
        Action: 'kms:DescribeKey',
        Resource: 'arn:aws:kms:eu-west-1:111111111111:key/k',
      });
      j.resource.aws_iam_policy = {
        boundary: { policy: policy({ Sid: 'Ceiling', Effect: 'Allow', Action: 's3:*', Resource: '*' }) },
      };
    });
    expect(ruleOf('SFA-IAM4')(json)).toEqual([]);
  });
});

// [rule id, what is broken, the change, what the finding says]
const BROKEN: [string, string, (json: TerraformJson) => void, string, RegExp][] = [
  [
    'SFA-KMS1',
    'rotation off',
    (j) => (j.resource.aws_kms_key.sessions.enable_key_rotation = false),
    'aws_kms_key.sessions',
    /rotation is not on/,
  ],
  [
    'SFA-KMS2',
    'no key policy',
    (j) => delete j.resource.aws_kms_key.sessions.policy,
    'aws_kms_key.sessions',
    /no key policy/,
  ],
  [
    'SFA-KMS2',
    "another account's root",
    (j) =>
      (j.resource.aws_kms_key.sessions.policy = j.resource.aws_kms_key.sessions.policy.replace(
        '111111111111:root',
        '222222222222:root',
      )),
    'aws_kms_key.sessions',
    /does not let the account's IAM policies grant use/,
  ],
  [
    'SFA-CWL1',
    'kept 90 days',
    (j) => (j.resource.aws_cloudwatch_log_group.sessions.retention_in_days = 90),
    'aws_cloudwatch_log_group.sessions',
    /retention 90/,
  ],
  [
    'SFA-CWL1',
    'kept forever',
    (j) => delete j.resource.aws_cloudwatch_log_group.sessions.retention_in_days,
    'aws_cloudwatch_log_group.sessions',
    /retention undefined/,
  ],
  [
    'SFA-CWL1',
    'not a CloudWatch value',
    (j) => (j.resource.aws_cloudwatch_log_group.sessions.retention_in_days = 366),
    'aws_cloudwatch_log_group.sessions',
    /retention 366/,
  ],
  [
    'SFA-CWL2',
    'no key',
    (j) => delete j.resource.aws_cloudwatch_log_group.sessions.kms_key_id,
    'aws_cloudwatch_log_group.sessions',
    /not encrypted/,
  ],
  [
    'SFA-CWL3',
    'a log group the key does not name',
    (j) => (j.resource.aws_cloudwatch_log_group.sessions.name = '/aws/lambda/something-new'),
    'aws_cloudwatch_log_group.sessions',
    /does not let CloudWatch Logs in eu-west-1 use it for the log group \/aws\/lambda\/something-new/,
  ],
  [
    'SFA-SSM1',
    'no session key',
    (j) => document(j, (i) => (i.kmsKeyId = '')),
    'aws_ssm_document.preferences',
    /no kmsKeyId/,
  ],
  [
    'SFA-SSM1',
    'S3 encryption off',
    (j) => document(j, (i) => (i.s3EncryptionEnabled = false)),
    'aws_ssm_document.preferences',
    /s3EncryptionEnabled/,
  ],
  [
    'SFA-SSM1',
    'the string "true"',
    (j) => document(j, (i) => (i.cloudWatchEncryptionEnabled = 'true')),
    'aws_ssm_document.preferences',
    /cloudWatchEncryptionEnabled/,
  ],
  [
    'SFA-SSM2',
    'no logging',
    (j) => document(j, (i) => ((i.s3BucketName = ''), (i.cloudWatchLogGroupName = ''))),
    'aws_ssm_document.preferences',
    /not logged/,
  ],
  [
    'SFA-SSM2',
    'a log group of another stack',
    (j) => document(j, (i) => (i.cloudWatchLogGroupName = '/elsewhere')),
    'aws_ssm_document.preferences',
    /\/elsewhere is not in this stack and region/,
  ],
  [
    'SFA-SSM3',
    'run-as as a string',
    (j) => document(j, (i) => (i.runAsEnabled = 'true')),
    'aws_ssm_document.preferences',
    /runAsEnabled is not a JSON boolean/,
  ],
  [
    'SFA-S1',
    'public access allowed',
    (j) => (j.resource.aws_s3_bucket_public_access_block.transcripts.restrict_public_buckets = false),
    'aws_s3_bucket.transcripts',
    /public access/,
  ],
  [
    'SFA-S1',
    'a bucket added with nothing',
    (j) => (j.resource.aws_s3_bucket.added = { bucket: 'added' }),
    'aws_s3_bucket.added',
    /public access/,
  ],
  [
    'SFA-S2',
    'versioning suspended',
    (j) => (j.resource.aws_s3_bucket_versioning.transcripts.versioning_configuration.status = 'Suspended'),
    'aws_s3_bucket.transcripts',
    /not versioned/,
  ],
  [
    'SFA-S3',
    'ACLs on',
    (j) => (j.resource.aws_s3_bucket_ownership_controls.transcripts.rule.object_ownership = 'ObjectWriter'),
    'aws_s3_bucket.transcripts',
    /ACLs are not disabled/,
  ],
  [
    'SFA-S4',
    'no lifecycle',
    (j) => delete j.resource.aws_s3_bucket_lifecycle_configuration,
    'aws_s3_bucket.transcripts',
    /expires objects/,
  ],
  [
    'SFA-S4',
    'no multipart abort',
    (j) =>
      delete j.resource.aws_s3_bucket_lifecycle_configuration.transcripts.rule[0].abort_incomplete_multipart_upload,
    'aws_s3_bucket.transcripts',
    /multipart/,
  ],
  [
    'SFA-S5',
    'no TLS-only policy',
    (j) => delete j.resource.aws_s3_bucket_policy.transcripts,
    'aws_s3_bucket.transcripts',
    /TLS/,
  ],
  [
    'SFA-S6',
    'SSE-S3 on a bucket that is no access-log target',
    (j) =>
      (j.resource.aws_s3_bucket_server_side_encryption_configuration.transcripts.rule = [
        { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
      ]),
    'aws_s3_bucket.transcripts',
    /not encrypted with a KMS key/,
  ],
  [
    'SFA-S6',
    'SSE-KMS on the access-log target',
    (j) =>
      (j.resource.aws_s3_bucket_server_side_encryption_configuration.access_logs.rule[0].apply_server_side_encryption_by_default.sse_algorithm =
        'aws:kms'),
    'aws_s3_bucket.access_logs',
    /must use SSE-S3/,
  ],
  [
    'SFA-S7',
    'no access logging',
    (j) => delete j.resource.aws_s3_bucket_logging,
    'aws_s3_bucket.transcripts',
    /no server access logging/,
  ],
  [
    'SFA-S7',
    'the access-log target logging itself',
    (j) =>
      (j.resource.aws_s3_bucket_logging.itself = {
        bucket: '${aws_s3_bucket.access_logs.id}',
        target_bucket: '${aws_s3_bucket.access_logs.id}',
      }),
    'aws_s3_bucket.access_logs',
    /must not log its own access/,
  ],
  [
    'SFA-S8',
    'force_destroy',
    (j) => (j.resource.aws_s3_bucket.transcripts.force_destroy = true),
    'aws_s3_bucket.transcripts',
    /force_destroy/,
  ],
  [
    'SFA-SQS1',
    'an unencrypted queue',
    (j) => (j.resource.aws_sqs_queue.events.sqs_managed_sse_enabled = false),
    'aws_sqs_queue.events',
    /not encrypted/,
  ],
  [
    'SFA-IAM1',
    'AdministratorAccess attached',
    (j) =>
      (j.resource.aws_iam_role_policy_attachment = {
        admin: { role: '${aws_iam_role.sessions.name}', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    'aws_iam_role_policy_attachment.admin',
    /attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
  ],
  [
    'SFA-IAM1',
    'IAMFullAccess in managed_policy_arns',
    (j) => (j.resource.aws_iam_role.sessions.managed_policy_arns = ['arn:aws:iam::aws:policy/IAMFullAccess']),
    'aws_iam_role.sessions',
    /managed_policy_arns include arn:aws:iam::aws:policy\/IAMFullAccess/,
  ],
  [
    'SFA-IAM2',
    'an inline "*"',
    (j) => addRolePolicy(j, { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }),
    'aws_iam_role_policy.added',
    /statement Everything allows "\*"/,
  ],
  [
    'SFA-IAM2',
    'an attached managed policy with "iam:*"',
    (j) => {
      j.resource.aws_iam_policy = {
        ci: { policy: policy({ Sid: 'AllIam', Effect: 'Allow', Action: ['iam:*'], Resource: '*' }) },
      };
      j.resource.aws_iam_role_policy_attachment = {
        ci: { role: '${aws_iam_role.sessions.name}', policy_arn: '${aws_iam_policy.ci.arn}' },
      };
    },
    'aws_iam_policy.ci',
    /statement AllIam allows \["iam:\*"\]/,
  ],
  [
    'SFA-IAM2',
    'a policy that is not literal JSON',
    (j) => (j.resource.aws_iam_role_policy.sessions.policy = '${data.aws_iam_policy_document.p.json}'),
    'aws_iam_role_policy.sessions',
    /not literal JSON/,
  ],
  [
    'SFA-IAM3',
    'CI without a boundary',
    withCi,
    'aws_iam_role.sessions',
    /no permissions boundary, though CI deploys this stack/,
  ],
  [
    'SFA-IAM4',
    'a restrictable read on "*"',
    (j) => addRolePolicy(j, { Sid: 'Keys', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' }),
    'aws_iam_role_policy.added',
    /statement Keys allows kms:DescribeKey on "\*", though IAM can scope it to key\*/,
  ],
  [
    'SFA-IAM4',
    'a "*" among ARNs, with a condition',
    (j) =>
      addRolePolicy(j, {
        Sid: 'Mixed',
        Effect: 'Allow',
        Action: 'iam:GetRole',
        Resource: ['arn:aws:iam::111111111111:role/a', '*'],
        Condition: { StringEquals: { 'aws:ResourceTag/Project': 'x' } },
      }),
    'aws_iam_role_policy.added',
    /statement Mixed allows iam:GetRole on "\*"/,
  ],
  [
    'SFA-IAM4',
    'a pattern that covers restrictable actions',
    (j) => addRolePolicy(j, { Sid: 'Pattern', Effect: 'Allow', Action: 'iam:GetRole*', Resource: '*' }),
    'aws_iam_role_policy.added',
    /allows iam:GetRolePolicy on "\*"/,
  ],
  [
    'SFA-IAM4',
    'an action the table does not know on "*"',
    (j) => addRolePolicy(j, { Sid: 'Unknown', Effect: 'Allow', Action: 'glue:GetTable', Resource: '*' }),
    'aws_iam_role_policy.added',
    /glue:GetTable on "\*", an action the table of resource types does not know/,
  ],
];

describe.each(BROKEN)('%s catches %s', (id, _label, change, address, message) => {
  it(`reports ${address}`, () => {
    expect(ruleOf(id)(changed(change))).toContainEqual(
      expect.objectContaining({ address, message: expect.stringMatching(message) }),
    );
  });
});

it('every rule of the pack has a non-compliant case, and every id is unique', () => {
  const ids = SECURITY_BASELINE.rules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => !BROKEN.some(([broken]) => broken === id))).toEqual([]);
});

it('names the statement and action of an IAM4 finding, for a suppression to name', () => {
  const json = changed((j) =>
    addRolePolicy(j, { Sid: 'Keys', Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:ListAliases'], Resource: '*' }),
  );
  expect(ruleOf('SFA-IAM4')(json).map((f) => f.detail)).toEqual(['Keys/kms:DescribeKey']);
});
