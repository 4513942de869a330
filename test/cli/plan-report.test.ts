import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { readStackAccess } from '../../cli/access/read-stack';
import { accessDiff } from '../../cli/report/access-diff';
import { buildEnvironmentReport } from '../../cli/report/build-report';
import { settingsChanges, weakenedSettings } from '../../cli/report/audit-settings';
import { dangers } from '../../cli/report/dangers';
import { renderReport } from '../../cli/report/render';
import { diffPolicies, policyChanges } from '../../cli/report/policy-diff';
import { countChanges, managedChanges, parsePlan, type TerraformPlan } from '../../cli/report/terraform-plan';
import { synthesize } from '../support/synth';

function fixture(name: string): TerraformPlan {
  const path = join(__dirname, '..', 'fixtures', 'plans', `${name}.json`);
  return parsePlan(readFileSync(path, 'utf8'), path);
}

describe('plan parsing', () => {
  it('rejects something that is not a JSON plan, saying how to make one', () => {
    expect(() => parsePlan('{"resources": []}', 'x.json')).toThrow(
      'x.json: not a Terraform JSON plan (format_version undefined); use terraform show -json <planfile>',
    );
  });

  it('counts like terraform: a replace is one add and one destroy', () => {
    expect(countChanges(fixture('destroyed-bucket'))).toEqual({ add: 1, change: 0, destroy: 2 });
    expect(countChanges(fixture('narrowed-policy'))).toEqual({ add: 0, change: 1, destroy: 0 });
    expect(countChanges(fixture('widened-policy'))).toEqual({ add: 0, change: 1, destroy: 0 });
    expect(countChanges(fixture('no-change'))).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(countChanges(fixture('weakened-audit'))).toEqual({ add: 0, change: 3, destroy: 0 });
  });
});

describe('dangerous changes', () => {
  it('says a destroyed bucket and a replaced key loudly, with the reason', () => {
    expect(dangers(managedChanges(fixture('destroyed-bucket')))).toEqual([
      expect.objectContaining({ address: expect.stringMatching(/^aws_s3_bucket\./), what: 'destroyed' }),
      expect.objectContaining({
        address: expect.stringMatching(/^aws_kms_key\./),
        what: 'replaced',
        reason: 'replace_because_cannot_update',
      }),
    ]);
  });

  it('finds nothing when nothing is destroyed or replaced', () => {
    expect(dangers(managedChanges(fixture('no-change')))).toEqual([]);
    expect(dangers(managedChanges(fixture('widened-policy')))).toEqual([]);
  });

  it('recognises the federated role by its trust policy', () => {
    const plan = fixture('no-change');
    const role = managedChanges(plan).find((rc) => rc.type === 'aws_iam_role')!;
    const replaced = { ...role, change: { ...role.change, actions: ['delete', 'create'] as const } };
    expect(dangers([replaced])).toEqual([
      expect.objectContaining({ what: 'replaced', description: expect.stringContaining('federated role') }),
    ]);
  });
});

describe('policy diffs, statement by statement', () => {
  it('shows a widened policy: the added statement with its action and resource', () => {
    const [change] = managedChanges(fixture('widened-policy')).flatMap((rc) => policyChanges(rc));
    expect(change.label).toBe('inline policy');
    expect(change.statements).toEqual([
      {
        sid: 'StartSessionOnAnyInstance',
        kind: 'added',
        effect: 'Allow',
        after: expect.anything(),
        fields: [
          { field: 'Effect', removed: [], added: ['Allow'] },
          { field: 'Action', removed: [], added: ['ssm:StartSession'] },
          { field: 'Resource', removed: [], added: ['arn:aws:ec2:*:111111111111:instance/*'] },
        ],
      },
    ]);
  });

  it('shows a narrowed policy: the removed resources of the changed statement', () => {
    const [change] = managedChanges(fixture('narrowed-policy')).flatMap((rc) => policyChanges(rc));
    expect(change.statements).toEqual([
      expect.objectContaining({
        sid: 'StartSessionWithAllowedDocuments',
        kind: 'changed',
        fields: [
          {
            field: 'Resource',
            removed: [
              'arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession',
              'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession',
            ],
            added: [],
          },
        ],
      }),
    ]);
  });

  it('reports no policy change when nothing changed', () => {
    expect(managedChanges(fixture('no-change')).flatMap((rc) => policyChanges(rc))).toEqual([]);
  });

  it("shows a change to the break-glass alarm topic's policy (every policy-bearing type of the registry)", () => {
    const topicPolicy = (principal: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EventBridgePublishes',
            Effect: 'Allow',
            Principal: { Service: principal },
            Action: 'sns:Publish',
            Resource: 'arn:aws:sns:eu-west-1:111111111111:prod-break-glass-alarms',
          },
        ],
      });
    const rc = {
      address: 'aws_sns_topic_policy.alarms',
      type: 'aws_sns_topic_policy',
      name: 'alarms',
      change: {
        actions: ['update' as const],
        before: { policy: topicPolicy('events.amazonaws.com') },
        after: { policy: topicPolicy('*') },
      },
    };
    const [change] = policyChanges(rc);
    expect(change).toMatchObject({ address: 'aws_sns_topic_policy.alarms', label: 'topic policy' });
    expect(change.statements.map((s) => [s.sid, s.kind])).toEqual([['EventBridgePublishes', 'changed']]);
  });

  it('diffs a policy known only after apply as the configuration writes it, references and all', () => {
    const rc = {
      address: 'aws_iam_role_policy.p',
      type: 'aws_iam_role_policy',
      name: 'p',
      change: { actions: ['create' as const], before: null, after: {}, after_unknown: { policy: true } },
    };
    const configured = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GenerateSessionDataKey',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: '${aws_kms_key.k.arn}',
          Condition: { StringEquals: { 'aws:userid': '$${aws:userid}' } },
        },
      ],
    });
    expect(policyChanges(rc)).toEqual([expect.objectContaining({ afterUnknown: true, statements: [] })]);
    const [change] = policyChanges(rc, (r, attribute) =>
      r.name === 'p' && attribute === 'policy' ? configured : undefined,
    );
    expect(change).toMatchObject({ afterUnknown: true, afterAsConfigured: true });
    expect(change.statements[0].fields).toEqual([
      { field: 'Effect', removed: [], added: ['Allow'] },
      { field: 'Action', removed: [], added: ['kms:GenerateDataKey'] },
      { field: 'Resource', removed: [], added: ['${aws_kms_key.k.arn}'] },
      { field: 'Condition', removed: [], added: ['StringEquals aws:userid = "${aws:userid}"'] },
    ]);
  });

  it('diffs conditions key by key', () => {
    const before = {
      Version: '2012-10-17' as const,
      Statement: [
        {
          Sid: 'A',
          Effect: 'Allow' as const,
          Action: 'ssm:StartSession',
          Resource: '*',
          Condition: { StringEquals: { 'ssm:resourceTag/AwsUserId': '${aws:userid}' } },
        },
      ],
    };
    const after = {
      ...before,
      Statement: [{ ...before.Statement[0], Condition: { StringLike: { 'ssm:resourceTag/AwsUserId': '*' } } }],
    };
    expect(diffPolicies(before, after)[0].fields).toEqual([
      {
        field: 'Condition',
        removed: ['StringEquals ssm:resourceTag/AwsUserId = "${aws:userid}"'],
        added: ['StringLike ssm:resourceTag/AwsUserId = "*"'],
      },
    ]);
  });
});

describe('audit settings, before -> after', () => {
  const settings = (name: string) => managedChanges(fixture(name)).flatMap((rc) => settingsChanges(rc));
  const byType = (name: string, type: string) =>
    settings(name).find((c) => c.address.startsWith(`${type}.`))?.settings ?? [];

  it('shows every changed preferences input, and flags the ones that weaken the audit', () => {
    expect(byType('weakened-audit', 'aws_ssm_document')).toEqual([
      {
        setting: 's3BucketName',
        before: '"example-ssm-sessions-111111111111-eu-west-1"',
        after: '""',
        danger: 'S3 transcript logging turned off',
      },
      { setting: 's3KeyPrefix', before: '"sessions"', after: '""' },
      {
        setting: 'cloudWatchEncryptionEnabled',
        before: 'true',
        after: 'false',
        danger: 'encryption removed: sessions no longer require an encrypted log group',
      },
      {
        setting: 'kmsKeyId',
        before: expect.stringMatching(/^"arn:aws:kms:eu-west-1:111111111111:key\/[0-9a-f-]{36}"$/),
        after: '""',
        danger: 'encryption removed: session data is no longer KMS-encrypted',
      },
      {
        setting: 'runAsEnabled',
        before: 'true',
        after: 'false',
        danger: 'run-as turned off: sessions run as the shared default user, not as each person',
      },
      { setting: 'idleSessionTimeout', before: '"20"', after: '"60"' },
    ]);
  });

  it('flags shortened retention of the session log group and the transcript bucket', () => {
    expect(byType('weakened-audit', 'aws_cloudwatch_log_group')).toEqual([
      {
        setting: 'retention_in_days',
        before: '365',
        after: '30',
        danger: 'retention shortened: CloudWatch Logs deletes events after 30 days',
      },
    ]);
    const lifecycle = settings('weakened-audit').find((c) => c.address.startsWith('aws_s3_bucket_lifecycle'))!;
    expect(lifecycle.label).toBe('lifecycle of bucket `example-ssm-sessions-111111111111-eu-west-1`');
    expect(lifecycle.settings).toEqual([
      {
        setting: 'rule archive-then-expire: expiration days',
        before: '731',
        after: '90',
        danger: 'retention shortened: objects are deleted after 90 days instead of 731',
      },
      {
        setting: 'rule archive-then-expire: noncurrent version expiration days',
        before: '731',
        after: '90',
        danger: 'retention shortened: objects are deleted after 90 days instead of 731',
      },
    ]);
  });

  it('shows changes that keep or tighten the audit, without a flag', () => {
    const changes = settings('tightened-audit');
    expect(changes.flatMap((c) => c.settings.map((s) => `${s.setting}: ${s.before} -> ${s.after}`))).toEqual([
      'idleSessionTimeout: "20" -> "10"',
      'maxSessionDuration: "120" -> "60"',
      'shellProfile.linux: "cd ~ && exec bash --login" -> "exec bash -l"',
      'retention_in_days: 365 -> 1827',
      'rule archive-then-expire: expiration days: 731 -> 1096',
      'rule archive-then-expire: transition to GLACIER_IR days: 90 -> 30',
    ]);
    expect(weakenedSettings(changes)).toEqual([]);
  });

  it('reports no setting change when nothing changed or the resources are not audit settings', () => {
    expect(settings('no-change')).toEqual([]);
    expect(settings('widened-policy')).toEqual([]);
    // A destroyed bucket is a danger already; its settings are not listed again.
    expect(settings('destroyed-bucket')).toEqual([]);
  });

  it('retention 0 keeps log events forever: turning it on is shortening, turning it off is not', () => {
    const group = (before: number | undefined, after: number | undefined) => ({
      address: 'aws_cloudwatch_log_group.g',
      type: 'aws_cloudwatch_log_group',
      name: 'g',
      change: {
        actions: ['update' as const],
        before: { name: '/aws/ssm/x/sessions', retention_in_days: before },
        after: { name: '/aws/ssm/x/sessions', retention_in_days: after },
      },
    });
    expect(settingsChanges(group(0, 365))[0].settings[0].danger).toMatch(/retention shortened/);
    expect(settingsChanges(group(365, 0))[0].settings[0].danger).toBeUndefined();
    expect(settingsChanges(group(undefined, 0))).toEqual([]);
  });

  it('reads string booleans as the console writes them, and the configured content when only known after apply', () => {
    const content = (inputs: object) => JSON.stringify({ schemaVersion: '1.0', inputs });
    const rc = {
      address: 'aws_ssm_document.d',
      type: 'aws_ssm_document',
      name: 'd',
      change: {
        actions: ['update' as const],
        before: { name: 'SSM-SessionManagerRunShell', content: content({ runAsEnabled: 'true', kmsKeyId: 'k' }) },
        after: { name: 'SSM-SessionManagerRunShell' },
        after_unknown: { content: true },
      },
    };
    expect(settingsChanges(rc)[0].settings).toEqual([{ setting: 'content', after: '(known only after apply)' }]);
    const configured = content({
      runAsEnabled: false,
      kmsKeyId: '${aws_kms_key.k.arn}',
      shellProfile: { linux: 'echo $${HOME}' },
    });
    const [change] = settingsChanges(rc, (r, attribute) =>
      r.name === 'd' && attribute === 'content' ? configured : undefined,
    );
    expect(change.afterAsConfigured).toBe(true);
    expect(change.settings).toEqual([
      {
        setting: 'runAsEnabled',
        before: '"true"',
        after: 'false',
        danger: expect.stringMatching(/^run-as turned off/),
      },
      { setting: 'kmsKeyId', before: '"k"', after: '"${aws_kms_key.k.arn}"' },
      { setting: 'shellProfile.linux', after: '"echo ${HOME}"' },
    ]);
  });

  it("a real offline plan: every region's preferences as configured, every retention, nothing flagged", () => {
    const { stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
    const json = stacks.get('example')!.json;
    const configured = (rc: { type: string; name: string }, attribute: string) => {
      const value = json.resource?.[rc.type]?.[rc.name]?.[attribute];
      return typeof value === 'string' ? value : undefined;
    };
    const rcs = managedChanges(fixture('offline-audit'));
    const changes = rcs.flatMap((rc) => settingsChanges(rc, configured));
    expect(changes.map((c) => c.label).sort()).toEqual([
      'Session Manager preferences',
      'Session Manager preferences',
      expect.stringMatching(
        /^lifecycle of bucket `\$\{aws_s3_bucket\.session-audit-logs-eu-west-1_access-logs_bucket_/,
      ),
      expect.stringMatching(
        /^lifecycle of bucket `\$\{aws_s3_bucket\.session-audit-logs-eu-west-1_transcripts_bucket_/,
      ),
      expect.stringMatching(
        /^lifecycle of bucket `\$\{aws_s3_bucket\.session-audit-logs-us-east-1_access-logs_bucket_/,
      ),
      expect.stringMatching(
        /^lifecycle of bucket `\$\{aws_s3_bucket\.session-audit-logs-us-east-1_transcripts_bucket_/,
      ),
      'log group `/aws/lambda/example-launch-tagger`',
      'log group `/aws/lambda/example-launch-tagger`',
      'log group `/aws/ssm/example/sessions`',
      'log group `/aws/ssm/example/sessions`',
    ]);
    expect(weakenedSettings(changes)).toEqual([]);
    const [preferences] = changes.filter((c) => c.label === 'Session Manager preferences');
    expect(preferences.afterAsConfigured).toBe(true);
    expect(preferences.settings).toEqual(
      expect.arrayContaining([
        { setting: 'runAsEnabled', after: 'true' },
        { setting: 'kmsKeyId', after: expect.stringMatching(/^"\$\{aws_kms_key\.session-audit-logs-eu-west-1_key_/) },
        { setting: 'idleSessionTimeout', after: '"20"' },
      ]),
    );
    // Without the configuration, the content is what the plan says: known only after apply.
    const withoutConfiguration = rcs
      .flatMap((rc) => settingsChanges(rc))
      .filter((c) => c.label === 'Session Manager preferences');
    expect(withoutConfiguration.map((c) => c.settings)).toEqual([
      [{ setting: 'content', after: '(known only after apply)' }],
      [{ setting: 'content', after: '(known only after apply)' }],
    ]);
  });

  it('ignores other documents', () => {
    const rc = {
      address: 'aws_ssm_document.other',
      type: 'aws_ssm_document',
      name: 'other',
      change: {
        actions: ['update' as const],
        before: { name: 'MyRunbook', content: '{"inputs":{"runAsEnabled":true}}' },
        after: { name: 'MyRunbook', content: '{"inputs":{"runAsEnabled":false}}' },
      },
    };
    expect(settingsChanges(rc)).toEqual([]);
  });
});

describe('access before and after, in words', () => {
  const { stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
  const example = readStackAccess(stacks.get('example')!);
  const diff = async (name: string) => {
    const { gained, lost } = await accessDiff(example, fixture(name));
    return { gained, lost };
  };

  it("a widened policy gains access to instances that are not the caller's", async () => {
    const { gained, lost } = await diff('widened-policy');
    expect(lost).toEqual([]);
    expect(gained).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alice \(federated\): someone else's instance .*ssm:StartSession/),
      ]),
    );
    expect(gained.join('\n')).toMatch(/untagged instance/);
  });

  it('a narrowed policy loses the SSH document, in every region', async () => {
    const { gained, lost } = await diff('narrowed-policy');
    expect(gained).toEqual([]);
    expect(lost).toHaveLength(2);
    expect(lost.join('\n')).toMatch(/AWS-StartSSHSession/);
    expect(lost.join('\n')).toContain('arn:aws:ssm:us-east-1::document/AWS-StartSSHSession');
  });

  it('no change, no access change', async () => {
    await expect(diff('no-change')).resolves.toEqual({ gained: [], lost: [] });
    await expect(diff('destroyed-bucket')).resolves.toEqual({ gained: [], lost: [] });
  });

  it('with nothing deployed (an offline plan), everything allowed is gained', async () => {
    const empty = { format_version: '1.2', resource_changes: [] };
    const plan = {
      ...empty,
      resource_changes: fixture('widened-policy').resource_changes!.map((rc) => ({
        ...rc,
        change: { ...rc.change, actions: ['create' as const], before: null },
      })),
    };
    const { gained, lost } = await accessDiff(example, plan);
    expect(lost).toEqual([]);
    expect(gained.length).toBeGreaterThan(5);
  });
});

describe('the Markdown report', () => {
  const { stacks } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
  const example = readStackAccess(stacks.get('example')!);
  const report = async (name: string) =>
    renderReport([
      await buildEnvironmentReport('example', 'live', fixture(name), async (p) => ({
        access: await accessDiff(example, p),
      })),
    ]);

  it('widened: counts, the statement diff and the gained access', async () => {
    const text = await report('widened-policy');
    expect(text).toContain('| example | 0 | 1 | 0 | 0 | 1 | 0 |');
    expect(text).toContain('- added Allow statement `StartSessionOnAnyInstance`');
    expect(text).toContain('+ Resource: arn:aws:ec2:*:111111111111:instance/*');
    expect(text).toMatch(/:unlock: gained: alice \(federated\): someone else's instance/);
    expect(text).not.toContain('CAUTION');
  });

  it('narrowed: the removed resources and the lost access', async () => {
    const text = await report('narrowed-policy');
    expect(text).toContain('- changed Allow statement `StartSessionWithAllowedDocuments`');
    expect(text).toContain('- Resource: arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession');
    expect(text).toMatch(/:lock: lost: .*AWS-StartSSHSession/);
  });

  it('destroyed bucket: said loudly', async () => {
    const text = await report('destroyed-bucket');
    expect(text).toContain('> [!CAUTION]');
    expect(text).toMatch(/\*\*DESTROYED: `aws_s3_bucket\.[^`]+`\*\*, a bucket \(session transcripts/);
    expect(text).toMatch(/\*\*REPLACED: `aws_kms_key\.[^`]+`\*\*.*Reason: replace_because_cannot_update/);
    expect(text).toContain('| example | 1 | 0 | 2 | **2** :warning: | 0 | 0 |');
  });

  it('no change: says so, and nothing else', async () => {
    const text = await report('no-change');
    expect(text).toContain('No changes.');
    expect(text).not.toMatch(/CAUTION|Policy changes|Access changes|Audit settings/);
  });

  it('weakened audit: each weakening said loudly, every setting as a before -> after line', async () => {
    const text = await report('weakened-audit');
    expect(text).toContain('| example | 0 | 3 | 0 | 0 | 0 | **7** :warning: |');
    expect(text).toMatch(
      /> \*\*WEAKENED: `aws_ssm_document\.[^`]+`\*\*, Session Manager preferences: run-as turned off: .* \(`runAsEnabled: true -> false`\)\./,
    );
    expect(text).toMatch(
      /> \*\*WEAKENED: `aws_cloudwatch_log_group\.[^`]+`\*\*, log group `\/aws\/ssm\/example\/sessions`: retention shortened/,
    );
    expect(text).toContain('#### Audit settings');
    expect(text).toContain('- `idleSessionTimeout`: `"20"` -> `"60"`\n');
    expect(text).toContain(
      '- `retention_in_days`: `365` -> `30` :warning: **retention shortened: CloudWatch Logs deletes events after 30 days**',
    );
  });

  it('tightened audit: the settings listed, nothing flagged', async () => {
    const text = await report('tightened-audit');
    expect(text).toContain('| example | 0 | 3 | 0 | 0 | 0 | 0 |');
    expect(text).toContain('- `maxSessionDuration`: `"120"` -> `"60"`');
    expect(text).not.toMatch(/CAUTION|WEAKENED|:warning:/);
  });
});
