import { environmentSources } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import { CLOUDWATCH_LOG_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS } from '../../modules/core/rules';
import { readPolicy, synthesize } from '../support/synth';

/**
 * The security baseline, checked on the synthesized Terraform JSON of every environment. Each rule
 * is a pure function over resource TYPES, not over this project's construct ids, so it also judges
 * resources that other modules add later (the launch tagger's log group and queue included).
 * Every rule has a compliant case (the shipped environments) and a non-compliant one (a copy of
 * the example with one setting broken), so a rule that cannot fail would be noticed.
 *
 * The documented exception: S3 server access logging supports only SSE-S3 (AES256) as the target
 * bucket's default encryption, and a target bucket must not log its own access. So a bucket that
 * receives server access logs must use SSE-S3 and is exempt from the KMS and access-logging rules;
 * every other baseline rule still applies to it.
 */

// Terraform JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TfJson = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = Record<string, any>;
type Rule = (json: TfJson) => string[];

function resources(json: TfJson, type: string): [string, Resource][] {
  return Object.entries(json.resource?.[type] ?? {}) as [string, Resource][];
}

/** The region a resource is managed in: its provider's region (the default provider when none is named). */
function regionOf(json: TfJson, resource: Resource): string {
  const providers = (json.provider?.aws ?? []) as { alias?: string; region: string }[];
  const alias = typeof resource.provider === 'string' ? resource.provider.replace(/^aws\.?/, '') : '';
  const provider = providers.find((p) => (p.alias ?? '') === alias);
  if (!provider) throw new Error(`no aws provider "${resource.provider}"`);
  return provider.region;
}

/** The account: every environment's provider guards it with allowed_account_ids. */
function accountOf(json: TfJson): string {
  return json.provider.aws[0].allowed_account_ids[0];
}

/** Whether a `bucket` argument names this bucket: by reference to the resource, or by its name. */
function namesBucket(value: unknown, id: string, bucket: Resource): boolean {
  return (
    value === `\${aws_s3_bucket.${id}.id}` ||
    value === `\${aws_s3_bucket.${id}.bucket}` ||
    (typeof bucket.bucket === 'string' && value === bucket.bucket)
  );
}

/** The resources of `type` whose `bucket` argument names the bucket. */
function forBucket(json: TfJson, type: string, id: string, bucket: Resource): Resource[] {
  return resources(json, type)
    .filter(([, r]) => namesBucket(r.bucket, id, bucket))
    .map(([, r]) => r);
}

function statements(policy: PolicyDocument): PolicyStatement[] {
  return [...policy.Statement];
}

function asList(value: string | readonly string[] | boolean | undefined): readonly unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

// --- rules -----------------------------------------------------------------------------------------

const kmsKeysRotateAndHaveAPolicy: Rule = (json) =>
  resources(json, 'aws_kms_key').flatMap(([id, key]) => {
    const problems: string[] = [];
    if (key.enable_key_rotation !== true) problems.push(`aws_kms_key.${id}: key rotation is not on`);
    if (typeof key.policy !== 'string') return [...problems, `aws_kms_key.${id}: has no key policy`];
    const admins = statements(readPolicy(key.policy)).some(
      (s) =>
        s.Effect === 'Allow' &&
        typeof s.Principal === 'object' &&
        asList(s.Principal.AWS).includes(`arn:aws:iam::${accountOf(json)}:root`),
    );
    if (!admins) problems.push(`aws_kms_key.${id}: the key policy does not let the account's IAM policies grant use`);
    return problems;
  });

const logGroupsEncryptedAndKeptAYear: Rule = (json) =>
  resources(json, 'aws_cloudwatch_log_group').flatMap(([id, group]) => {
    const problems: string[] = [];
    const days = group.retention_in_days;
    if (
      typeof days !== 'number' ||
      days < MIN_AUDIT_RETENTION_DAYS ||
      !(CLOUDWATCH_LOG_RETENTION_DAYS as readonly number[]).includes(days)
    ) {
      problems.push(`aws_cloudwatch_log_group.${id}: retention ${days} is not a CloudWatch value of at least a year`);
    }
    if (typeof group.kms_key_id !== 'string' || group.kms_key_id === '') {
      return [...problems, `aws_cloudwatch_log_group.${id}: not encrypted with a KMS key`];
    }
    // A key of this stack must let CloudWatch Logs use it for this very log group.
    const keyRef = /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(group.kms_key_id);
    if (keyRef) {
      const key = json.resource.aws_kms_key?.[keyRef[1]];
      const region = regionOf(json, group);
      const arn = `arn:aws:logs:${region}:${accountOf(json)}:log-group:${group.name}`;
      const allowed =
        key && typeof key.policy === 'string'
          ? statements(readPolicy(key.policy)).some(
              (s) =>
                s.Effect === 'Allow' &&
                typeof s.Principal === 'object' &&
                asList(s.Principal.Service).includes(`logs.${region}.amazonaws.com`) &&
                asList(s.Condition?.ArnEquals?.['kms:EncryptionContext:aws:logs:arn']).includes(arn),
            )
          : false;
      if (!allowed)
        problems.push(
          `aws_cloudwatch_log_group.${id}: its key's policy does not let CloudWatch Logs use it for ${arn}`,
        );
    }
    return problems;
  });

const sessionDocumentsEncryptedAndLogged: Rule = (json) =>
  resources(json, 'aws_ssm_document')
    .filter(([, d]) => d.document_type === 'Session')
    .flatMap(([id, document]) => {
      const content = JSON.parse(unescapeTerraformTemplate(document.content));
      if (content.sessionType !== 'Standard_Stream') return [];
      const inputs = content.inputs ?? {};
      const problems: string[] = [];
      const where = `aws_ssm_document.${id}`;
      if (!inputs.kmsKeyId) problems.push(`${where}: sessions are not encrypted (no kmsKeyId)`);
      if (!inputs.s3BucketName && !inputs.cloudWatchLogGroupName) problems.push(`${where}: sessions are not logged`);
      if (inputs.s3EncryptionEnabled !== true) problems.push(`${where}: s3EncryptionEnabled is not the boolean true`);
      if (inputs.cloudWatchEncryptionEnabled !== true) {
        problems.push(`${where}: cloudWatchEncryptionEnabled is not the boolean true`);
      }
      for (const key of ['cloudWatchStreamingEnabled', 'runAsEnabled']) {
        if (typeof inputs[key] !== 'boolean') problems.push(`${where}: ${key} is not a JSON boolean`);
      }
      if (inputs.cloudWatchLogGroupName) {
        const region = regionOf(json, document);
        const exists = resources(json, 'aws_cloudwatch_log_group').some(
          ([, g]) => g.name === inputs.cloudWatchLogGroupName && regionOf(json, g) === region,
        );
        if (!exists)
          problems.push(`${where}: log group ${inputs.cloudWatchLogGroupName} is not in this stack and region`);
      }
      return problems;
    });

const bucketsPrivateEncryptedVersionedLifecycledLogged: Rule = (json) => {
  const logging = resources(json, 'aws_s3_bucket_logging').map(([, l]) => l);
  return resources(json, 'aws_s3_bucket').flatMap(([id, bucket]) => {
    const where = `aws_s3_bucket.${id}`;
    const of = (type: string) => forBucket(json, type, id, bucket);
    const problems: string[] = [];
    if (bucket.force_destroy === true) problems.push(`${where}: force_destroy is on`);

    const block = of('aws_s3_bucket_public_access_block');
    const blocked = block.some(
      (b) =>
        b.block_public_acls === true &&
        b.block_public_policy === true &&
        b.ignore_public_acls === true &&
        b.restrict_public_buckets === true,
    );
    if (!blocked) problems.push(`${where}: public access is not blocked in all four ways`);

    if (!of('aws_s3_bucket_versioning').some((v) => v.versioning_configuration?.status === 'Enabled')) {
      problems.push(`${where}: not versioned`);
    }
    if (!of('aws_s3_bucket_ownership_controls').some((o) => o.rule?.object_ownership === 'BucketOwnerEnforced')) {
      problems.push(`${where}: ACLs are not disabled (BucketOwnerEnforced)`);
    }

    const rules = of('aws_s3_bucket_lifecycle_configuration').flatMap((l) => l.rule ?? []);
    const enabled = rules.filter((r: Resource) => r.status === 'Enabled');
    if (!enabled.some((r: Resource) => r.expiration?.some((e: Resource) => typeof e.days === 'number'))) {
      problems.push(`${where}: no lifecycle rule expires objects`);
    }
    if (!enabled.some((r: Resource) => r.abort_incomplete_multipart_upload?.length > 0)) {
      problems.push(`${where}: no lifecycle rule aborts incomplete multipart uploads`);
    }

    const tlsOnly = of('aws_s3_bucket_policy').some((p) =>
      statements(readPolicy(p.policy)).some(
        (s) => s.Effect === 'Deny' && s.Principal === '*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    );
    if (!tlsOnly) problems.push(`${where}: the bucket policy does not deny requests without TLS`);

    const encryption = of('aws_s3_bucket_server_side_encryption_configuration').flatMap((e) => e.rule ?? []);
    const algorithms = encryption.map((r: Resource) => r.apply_server_side_encryption_by_default?.sse_algorithm);
    const isAccessLogTarget = logging.some((l) => namesBucket(l.target_bucket, id, bucket));
    const logsItsAccess = logging.some((l) => namesBucket(l.bucket, id, bucket));
    if (isAccessLogTarget) {
      // The documented exception: S3 server access logging supports only SSE-S3 on the target.
      if (algorithms.length !== 1 || algorithms[0] !== 'AES256') {
        problems.push(
          `${where}: receives server access logs, so it must use SSE-S3 (AES256), got ${algorithms.join(',')}`,
        );
      }
      if (logsItsAccess) problems.push(`${where}: receives server access logs and must not log its own access`);
    } else {
      const kms = encryption.some(
        (r: Resource) =>
          r.apply_server_side_encryption_by_default?.sse_algorithm === 'aws:kms' &&
          r.apply_server_side_encryption_by_default?.kms_master_key_id,
      );
      if (!kms) problems.push(`${where}: not encrypted with a KMS key (SSE-KMS)`);
      if (!logsItsAccess) problems.push(`${where}: has no server access logging`);
    }
    return problems;
  });
};

const queuesEncrypted: Rule = (json) =>
  resources(json, 'aws_sqs_queue')
    .filter(
      ([, q]) =>
        !(typeof q.kms_master_key_id === 'string' && q.kms_master_key_id !== '') && q.sqs_managed_sse_enabled !== true,
    )
    .map(([id]) => `aws_sqs_queue.${id}: not encrypted`);

/** AWS-managed policies that amount to administering the account (IAM full access included). */
const ADMIN_MANAGED_POLICY = /^arn:aws:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/** The identity policies attached to roles: inline, and managed policies of the stack by reference. */
function rolePolicies(json: TfJson): [string, PolicyDocument][] {
  const inline = resources(json, 'aws_iam_role_policy').map(
    ([id, p]) => [`aws_iam_role_policy.${id}`, readPolicy(p.policy)] as [string, PolicyDocument],
  );
  const managed = resources(json, 'aws_iam_role_policy_attachment').flatMap(([id, a]) => {
    const ref = /^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/.exec(String(a.policy_arn));
    const policy = ref ? json.resource.aws_iam_policy?.[ref[1]] : undefined;
    return policy
      ? [[`aws_iam_role_policy_attachment.${id}`, readPolicy(policy.policy)] as [string, PolicyDocument]]
      : [];
  });
  return [...inline, ...managed];
}

const noRoleAdministersTheAccount: Rule = (json) => [
  ...resources(json, 'aws_iam_role_policy_attachment')
    .filter(([, a]) => ADMIN_MANAGED_POLICY.test(String(a.policy_arn)))
    .map(([id, a]) => `aws_iam_role_policy_attachment.${id}: attaches ${a.policy_arn}`),
  ...resources(json, 'aws_iam_role')
    .filter(([, r]) => asList(r.managed_policy_arns).some((arn) => ADMIN_MANAGED_POLICY.test(String(arn))))
    .map(([id]) => `aws_iam_role.${id}: managed_policy_arns include an administrator policy`),
  ...rolePolicies(json).flatMap(([where, policy]) =>
    statements(policy)
      .filter((s) => s.Effect === 'Allow' && asList(s.Action).some((a) => a === '*' || a === 'iam:*'))
      .map((s) => `${where}: statement ${s.Sid} allows ${JSON.stringify(s.Action)}`),
  ),
];

/** Where CI deploys the stack (a GitHub OIDC provider or CI roles), every role carries a permissions boundary. */
const rolesBoundedWhereCiDeploys: Rule = (json) => {
  const ci =
    resources(json, 'aws_iam_openid_connect_provider').length > 0 ||
    resources(json, 'aws_iam_role').some(([, r]) =>
      String(r.assume_role_policy).includes('token.actions.githubusercontent.com'),
    );
  if (!ci) return [];
  return resources(json, 'aws_iam_role')
    .filter(([, r]) => typeof r.permissions_boundary !== 'string' || r.permissions_boundary === '')
    .map(([id]) => `aws_iam_role.${id}: no permissions boundary, though CI deploys this stack`);
};

const BASELINE: Readonly<Record<string, Rule>> = {
  'KMS keys rotate and have a key policy for the account': kmsKeysRotateAndHaveAPolicy,
  'log groups are encrypted with a key that allows them, and kept at least a year': logGroupsEncryptedAndKeptAYear,
  'Session documents encrypt sessions and log them encrypted': sessionDocumentsEncryptedAndLogged,
  'buckets are private, encrypted, versioned, lifecycled and access-logged':
    bucketsPrivateEncryptedVersionedLifecycledLogged,
  'queues are encrypted': queuesEncrypted,
  'no IAM role administers the account (no AdministratorAccess, PowerUserAccess, IAMFullAccess, "*" or "iam:*")':
    noRoleAdministersTheAccount,
  'where CI deploys the stack, every role carries a permissions boundary': rolesBoundedWhereCiDeploys,
};

// --- tests -----------------------------------------------------------------------------------------

const names = environmentSources.map((s) => String(s.input.name));
const { configs, stacks } = synthesize();
const jsonOf = (name: string): TfJson => stacks.get(name)!.json;

describe.each(names)('security baseline: %s', (name) => {
  it.each(Object.keys(BASELINE))('%s', (rule) => {
    expect(BASELINE[rule](jsonOf(name))).toEqual([]);
  });

  it('has what the baseline is about in every region: a key, a log group and a Session document', () => {
    const json = jsonOf(name);
    // The environment's regions (the break-glass sign-in alarms add providers in regions where
    // nothing else of the environment is).
    const regions: string[] = [...configs.find((c) => c.name === name)!.regions].sort();
    for (const type of ['aws_kms_key', 'aws_cloudwatch_log_group', 'aws_ssm_document']) {
      const found = [...new Set(resources(json, type).map(([, r]) => regionOf(json, r)))].sort();
      // Keys also encrypt the break-glass alarm topics in the sign-in-only regions.
      const here = type === 'aws_kms_key' ? found.filter((r) => regions.includes(r)) : found;
      expect({ type, regions: here }).toEqual({ type, regions });
    }
  });
});

describe('security baseline rules catch what they are for', () => {
  /** A copy of the example's JSON with one change. */
  function broken(change: (json: TfJson) => void): TfJson {
    const json = structuredClone(jsonOf('example'));
    change(json);
    return json;
  }
  const first = (json: TfJson, type: string): Resource => Object.values(json.resource[type])[0] as Resource;
  const firstWhere = (json: TfJson, type: string, test: (r: Resource) => boolean): Resource =>
    Object.values(json.resource[type]).find((r) => test(r as Resource)) as Resource;
  const documentInputs = (json: TfJson, change: (inputs: Resource) => void) => {
    const document = first(json, 'aws_ssm_document');
    const content = JSON.parse(unescapeTerraformTemplate(document.content));
    change(content.inputs);
    document.content = JSON.stringify(content);
  };
  const kmsTranscriptBucket = (r: Resource) => r.bucket?.includes('-ssm-sessions-');

  it.each<[string, Rule, (json: TfJson) => void, RegExp]>([
    [
      'key rotation off',
      kmsKeysRotateAndHaveAPolicy,
      (j) => (first(j, 'aws_kms_key').enable_key_rotation = false),
      /rotation/,
    ],
    ['no key policy', kmsKeysRotateAndHaveAPolicy, (j) => delete first(j, 'aws_kms_key').policy, /no key policy/],
    [
      'unencrypted log group',
      logGroupsEncryptedAndKeptAYear,
      (j) => delete first(j, 'aws_cloudwatch_log_group').kms_key_id,
      /not encrypted/,
    ],
    [
      'log group kept 90 days',
      logGroupsEncryptedAndKeptAYear,
      (j) => (first(j, 'aws_cloudwatch_log_group').retention_in_days = 90),
      /retention 90/,
    ],
    [
      'log group kept forever (no retention)',
      logGroupsEncryptedAndKeptAYear,
      (j) => delete first(j, 'aws_cloudwatch_log_group').retention_in_days,
      /retention undefined/,
    ],
    [
      'a log group the key does not allow (e.g. a new function log group)',
      logGroupsEncryptedAndKeptAYear,
      (j) => (first(j, 'aws_cloudwatch_log_group').name = '/aws/lambda/something-new'),
      /does not let CloudWatch Logs use it/,
    ],
    [
      'no session key',
      sessionDocumentsEncryptedAndLogged,
      (j) => documentInputs(j, (i) => (i.kmsKeyId = '')),
      /no kmsKeyId/,
    ],
    [
      'no logging',
      sessionDocumentsEncryptedAndLogged,
      (j) => documentInputs(j, (i) => ((i.s3BucketName = ''), (i.cloudWatchLogGroupName = ''))),
      /not logged/,
    ],
    [
      'string boolean',
      sessionDocumentsEncryptedAndLogged,
      (j) => documentInputs(j, (i) => (i.runAsEnabled = 'true')),
      /runAsEnabled is not a JSON boolean/,
    ],
    [
      'S3 encryption off',
      sessionDocumentsEncryptedAndLogged,
      (j) => documentInputs(j, (i) => (i.s3EncryptionEnabled = false)),
      /s3EncryptionEnabled/,
    ],
    [
      'bucket with SSE-S3',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
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
      bucketsPrivateEncryptedVersionedLifecycledLogged,
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
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => (first(j, 'aws_s3_bucket_public_access_block').restrict_public_buckets = false),
      /public access/,
    ],
    [
      'versioning suspended',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => (first(j, 'aws_s3_bucket_versioning').versioning_configuration.status = 'Suspended'),
      /not versioned/,
    ],
    [
      'no lifecycle',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => delete j.resource.aws_s3_bucket_lifecycle_configuration,
      /expires objects/,
    ],
    [
      'no access logging',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => delete j.resource.aws_s3_bucket_logging,
      /no server access logging/,
    ],
    [
      'no TLS-only policy',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => delete j.resource.aws_s3_bucket_policy,
      /TLS/,
    ],
    [
      'force_destroy',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => (firstWhere(j, 'aws_s3_bucket', kmsTranscriptBucket).force_destroy = true),
      /force_destroy/,
    ],
    [
      'a bucket added later with nothing',
      bucketsPrivateEncryptedVersionedLifecycledLogged,
      (j) => (j.resource.aws_s3_bucket.added_later = { bucket: 'added-later' }),
      /aws_s3_bucket\.added_later: public access/,
    ],
    [
      'an unencrypted queue added later',
      queuesEncrypted,
      (j) => (j.resource.aws_sqs_queue = { dlq: { name: 'dlq', sqs_managed_sse_enabled: false } }),
      /aws_sqs_queue\.dlq: not encrypted/,
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(broken(change))).toContainEqual(expect.stringMatching(expected));
  });

  /** A copy of dev's JSON (it has CI roles) with one change. */
  function brokenDev(change: (json: TfJson) => void): TfJson {
    const json = structuredClone(jsonOf('dev'));
    change(json);
    return json;
  }
  const roleNamed = (json: TfJson, name: string): Resource =>
    Object.values(json.resource.aws_iam_role).find((r) => (r as Resource).name === name) as Resource;
  const deployRoleRef = (json: TfJson) =>
    `\${aws_iam_role.${Object.entries(json.resource.aws_iam_role).find(([, r]) => (r as Resource).name === 'dev-github-deploy')![0]}.name}`;

  it.each<[string, Rule, (json: TfJson) => void, RegExp]>([
    [
      'the deploy role with AdministratorAccess, as before',
      noRoleAdministersTheAccount,
      (j) =>
        (j.resource.aws_iam_role_policy_attachment.admin = {
          role: deployRoleRef(j),
          policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      /aws_iam_role_policy_attachment\.admin: attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
    ],
    [
      'IAMFullAccess in managed_policy_arns',
      noRoleAdministersTheAccount,
      (j) => (roleNamed(j, 'dev-github-plan').managed_policy_arns = ['arn:aws:iam::aws:policy/IAMFullAccess']),
      /managed_policy_arns include an administrator policy/,
    ],
    [
      'an inline policy allowing "*"',
      noRoleAdministersTheAccount,
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
      noRoleAdministersTheAccount,
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
      rolesBoundedWhereCiDeploys,
      (j) => delete roleNamed(j, 'dev-ssm-managed-instance').permissions_boundary,
      /no permissions boundary, though CI deploys this stack/,
    ],
  ])('%s', (_label, rule, change, expected) => {
    expect(rule(brokenDev(change))).toContainEqual(expect.stringMatching(expected));
  });

  it('the example (no CI) needs no boundary, and has no administrator role', () => {
    expect(rolesBoundedWhereCiDeploys(jsonOf('example'))).toEqual([]);
    expect(noRoleAdministersTheAccount(jsonOf('example'))).toEqual([]);
  });

  it.each([
    ['SQS-managed SSE', { sqs_managed_sse_enabled: true }],
    ['a KMS key', { kms_master_key_id: '${aws_kms_key.k.arn}' }],
  ])('accepts a queue encrypted with %s', (_label, queue) => {
    expect(queuesEncrypted(broken((j) => (j.resource.aws_sqs_queue = { q: { name: 'q', ...queue } })))).toEqual([]);
  });
});
