import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dangers } from './plan-report/dangers';
import { diffPolicies, policyChanges } from './plan-report/policy-diff';
import { countChanges, managedChanges, parsePlan, type TerraformPlan } from './plan-report/terraform-plan';

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
  it('shows a widened policy: the added statement and the added action', () => {
    const [change] = managedChanges(fixture('widened-policy')).flatMap(policyChanges);
    expect(change.label).toBe('inline policy');
    expect(change.statements).toEqual([
      {
        sid: 'StartSessionOnOwnInstances',
        kind: 'changed',
        effect: 'Allow',
        before: expect.anything(),
        after: expect.anything(),
        fields: [{ field: 'Action', removed: [], added: ['ssm:SendCommand'] }],
      },
      expect.objectContaining({ sid: 'StartSessionOnAppInstances', kind: 'added', effect: 'Allow' }),
    ]);
  });

  it('shows a narrowed policy: the removed resources and the removed statement', () => {
    const [change] = managedChanges(fixture('narrowed-policy')).flatMap(policyChanges);
    expect(change.statements.map((s) => [s.sid, s.kind])).toEqual([
      ['StartSessionDocuments', 'changed'],
      ['TerminateOwnSessions', 'removed'],
    ]);
    expect(change.statements[0].fields).toEqual([
      {
        field: 'Resource',
        removed: [
          'arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession',
          'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession',
        ],
        added: [],
      },
    ]);
  });

  it('reports no policy change when nothing changed', () => {
    expect(managedChanges(fixture('no-change')).flatMap(policyChanges)).toEqual([]);
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
