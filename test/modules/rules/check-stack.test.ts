import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../modules/core/config-error';
import {
  type RuleSuppression,
  checkStack,
  checkSynthesizedStack,
  formatFinding,
} from '../../../modules/rules/check-stack';
import type { TerraformJson } from '../../../modules/rules/rule';

const COMPLIANT: TerraformJson = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'compliant-stack.json'), 'utf8'));

/** The compliant stack with a role policy that allows two restrictable reads on "*". */
const withStarReads = (): TerraformJson => {
  const json = structuredClone(COMPLIANT);
  json.resource.aws_iam_role_policy.added = {
    role: '${aws_iam_role.sessions.name}',
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Reads', Effect: 'Allow', Action: ['kms:DescribeKey', 'iam:GetRole'], Resource: '*' }],
    }),
  };
  return json;
};
const REASON = 'the console lists keys and roles it cannot name in advance';

describe('checkStack', () => {
  it('passes the compliant stack', () => {
    expect(checkStack(COMPLIANT)).toEqual({ findings: [], suppressed: [], unusedSuppressions: [], passed: true });
  });

  it('fails with each finding, its rule id, level and the resource address', () => {
    const result = checkStack(withStarReads());
    expect(result.passed).toBe(false);
    expect(result.findings.map(formatFinding)).toEqual([
      'error SFA-IAM4 aws_iam_role_policy.added: statement Reads allows kms:DescribeKey on "*", though IAM can scope it to key*',
      'error SFA-IAM4 aws_iam_role_policy.added: statement Reads allows iam:GetRole on "*", though IAM can scope it to role*',
    ]);
  });

  it('accepts exactly the findings a suppression names, and reports them with its reason', () => {
    const suppression: RuleSuppression = {
      ruleId: 'SFA-IAM4',
      address: 'aws_iam_role_policy.added',
      reason: REASON,
      appliesTo: ['Reads/kms:DescribeKey'],
    };
    const result = checkStack(withStarReads(), { suppressions: [suppression] });
    expect(result.findings.map((f) => f.detail)).toEqual(['Reads/iam:GetRole']);
    expect(result.suppressed).toEqual([expect.objectContaining({ detail: 'Reads/kms:DescribeKey', reason: REASON })]);
    expect(result.passed).toBe(false);
  });

  it('accepts every finding of the rule on the resource when no detail is named', () => {
    const result = checkStack(withStarReads(), {
      suppressions: [{ ruleId: 'SFA-IAM4', address: 'aws_iam_role_policy.added', reason: REASON }],
    });
    expect(result).toEqual(expect.objectContaining({ findings: [], passed: true }));
    expect(result.suppressed).toHaveLength(2);
  });

  it('does not let a suppression of one resource or rule accept another', () => {
    const result = checkStack(withStarReads(), {
      suppressions: [
        { ruleId: 'SFA-IAM2', address: 'aws_iam_role_policy.added', reason: REASON },
        { ruleId: 'SFA-IAM4', address: 'aws_iam_role_policy.sessions', reason: REASON },
      ],
    });
    expect(result.findings).toHaveLength(2);
    expect(result.unusedSuppressions).toHaveLength(2);
  });

  it.each<[string, Partial<RuleSuppression>, RegExp]>([
    [
      'no reason',
      { reason: undefined },
      /suppressions: \[0\]\.reason must say why SFA-IAM4 is acceptable .* \(got nothing\)/,
    ],
    ['an empty reason', { reason: '   ' }, /\[0\]\.reason must say why/],
    ['a reason too short to say anything', { reason: 'ok' }, /at least 10 characters/],
    [
      'a rule the pack does not have',
      { ruleId: 'SFA-IAM9' },
      /\[0\]\.ruleId must be a rule of the pack .* \(got "SFA-IAM9"\)/,
    ],
    ['an address that is not one', { address: 'added' }, /\[0\]\.address must be a resource address/],
  ])('refuses a suppression with %s, before checking anything', (_label, change, message) => {
    const suppression = { ruleId: 'SFA-IAM4', address: 'aws_iam_role_policy.added', reason: REASON, ...change };
    expect(() => checkStack(withStarReads(), { suppressions: [suppression as RuleSuppression] })).toThrow(ConfigError);
    expect(() => checkStack(withStarReads(), { suppressions: [suppression as RuleSuppression] })).toThrow(message);
  });

  it('checks a pack of the caller: a warning is reported and does not fail', () => {
    const pack = {
      name: 'mine',
      rules: [
        {
          id: 'MY-1',
          level: 'warning' as const,
          description: 'd',
          explanation: 'e',
          rule: () => [{ address: 'aws_s3_bucket.b', message: 'm' }],
        },
      ],
    };
    expect(checkStack(COMPLIANT, { pack })).toEqual(
      expect.objectContaining({
        passed: true,
        findings: [expect.objectContaining({ ruleId: 'MY-1', level: 'warning' })],
      }),
    );
  });
});

it('checkSynthesizedStack reads the cdk.tf.json of a stack folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-rules-'));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(withStarReads()));
  expect(checkSynthesizedStack(dir).findings.map((f) => f.ruleId)).toEqual(['SFA-IAM4', 'SFA-IAM4']);
});
