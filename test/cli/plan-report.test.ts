import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { readStackAccess } from '../../cli/access/read-stack';
import { accessDiff } from '../../cli/report/access-diff';
import { buildEnvironmentReport } from '../../cli/report/build-report';
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
    expect(text).toContain('| example | 0 | 1 | 0 | 0 | 1 |');
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
    expect(text).toContain('| example | 1 | 0 | 2 | **2** :warning: | 0 |');
  });

  it('no change: says so, and nothing else', async () => {
    const text = await report('no-change');
    expect(text).toContain('No changes.');
    expect(text).not.toMatch(/CAUTION|Policy changes|Access changes/);
  });
});
