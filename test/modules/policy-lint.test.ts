import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformStack, Testing } from 'cdktf';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import { loadEnvironments } from '../../modules/environment/load-environment';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatProblem } from '../../modules/core/config-error';
import { synthesizeApp } from '../../modules/core/validation';
import {
  type PolicyDocument,
  type PolicyStatement,
  policyDocument,
  renderPolicy,
} from '../../modules/core/policy-document';
import {
  POLICY_QUOTAS,
  POLICY_RULES,
  type PolicyKind,
  type PolicyUnderCheck,
  REFERENCE_SIZE_CHARS,
  checkPolicies,
  isKnownConditionOperator,
  lintPolicy,
  policiesInScope,
  quotaSize,
  sizeProblems,
} from '../../modules/core/policy-lint';
import { buildApp } from '../../stacks/app';
import { MODULE_FIXTURE, MODULE_FIXTURE_SOURCES } from '../fixtures/environments/module-fixtures';
import { IDENTITY_CENTER_TEST_SOURCE } from '../support/identity-center-source';
import { synthesizedPolicies } from '../support/policies';
import { synthesize } from '../support/synth';

const ok: PolicyStatement = {
  Sid: 'ReadInstances',
  Effect: 'Allow',
  Action: 'ec2:DescribeInstances',
  // "*": DescribeInstances supports no resource scoping.
  Resource: '*',
};

function under(statements: PolicyStatement[], kind: PolicyKind = 'identity'): PolicyUnderCheck {
  return { where: 'test/policy', attribute: 'policy', kind, document: policyDocument(statements) };
}

/** The messages of one rule for a policy. */
function findings(ruleId: string, policy: PolicyUnderCheck): string[] {
  const rule = POLICY_RULES.find((r) => r.id === ruleId)!;
  return lintPolicy(policy, [rule]).map(formatProblem);
}

describe('policy rules, each with a policy that keeps it and one that breaks it', () => {
  it('has a rule for every shape the brief names, each described', () => {
    expect(POLICY_RULES.map((r) => r.id)).toEqual([
      'policy-version',
      'known-condition-operators',
      'arn-shaped-resources',
      'trust-policy-sts-only',
      'unique-sids',
      'no-wildcard-action',
      'start-session-document-check',
    ]);
    for (const rule of POLICY_RULES) expect(rule.description.length).toBeGreaterThan(20);
  });

  it('policy-version', () => {
    expect(findings('policy-version', under([ok]))).toEqual([]);
    const old = {
      ...under([ok]),
      document: { ...policyDocument([ok]), Version: '2008-10-17' } as unknown as PolicyDocument,
    };
    expect(findings('policy-version', old)).toEqual([
      'test/policy: policy breaks the policy rule policy-version: Version is "2008-10-17". Set it to "2012-10-17" (got "identity")',
    ]);
  });

  it.each([
    'StringEquals',
    'StringLike',
    'StringEqualsIgnoreCase',
    'ForAnyValue:StringEqualsIgnoreCase',
    'ForAllValues:StringLike',
    'BoolIfExists',
    'ArnNotLike',
    'ArnLikeIfExists',
    'Null',
    'NumericLessThanEquals',
    'DateGreaterThan',
    'IpAddress',
    'NotIpAddress',
    'BinaryEquals',
  ])('known-condition-operators accepts %s', (operator) => {
    expect(isKnownConditionOperator(operator)).toBe(true);
    expect(
      findings('known-condition-operators', under([{ ...ok, Condition: { [operator]: { 'aws:TagKeys': 'x' } } }])),
    ).toEqual([]);
  });

  it.each([
    'StringEqual',
    'ForAnyValues:StringEquals',
    'stringequals',
    'NullIfExists',
    'StringEqualsIfExist',
    'ForAnyValue:Foo',
  ])('known-condition-operators rejects %s (a Deny with it would never apply)', (operator) => {
    expect(isKnownConditionOperator(operator)).toBe(false);
    const deny: PolicyStatement = {
      Sid: 'DenyTagChanges',
      Effect: 'Deny',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { [operator]: { 'aws:TagKeys': 'AwsUserId' } },
    };
    expect(findings('known-condition-operators', under([deny]))).toEqual([
      expect.stringContaining(
        `statement "DenyTagChanges" uses the condition operator "${operator}", which IAM does not know`,
      ),
    ]);
  });

  it('arn-shaped-resources', () => {
    const good = [
      '*',
      'arn:aws:ec2:eu-west-1:111111111111:instance/*',
      'arn:aws:ssm:eu-west-1::document/AWS-StartSSHSession',
      'arn:aws:s3:::bucket/prefix/*',
      'arn:aws:ec2:*:*:instance/*',
      '${TfToken[TOKEN.12]}',
      '${aws_kms_key.key.arn}',
      'arn:aws:s3:::${TfToken[TOKEN.3]}/*',
    ];
    expect(findings('arn-shaped-resources', under([{ ...ok, Resource: good }]))).toEqual([]);
    for (const bad of [
      'instance/*',
      'i-0123456789abcdef0',
      'arn:aws:ec2:eu-west-1:1111:instance/*',
      'aws:ec2:::x',
      '',
    ]) {
      expect(findings('arn-shaped-resources', under([{ ...ok, Resource: bad }]))).toEqual([
        expect.stringContaining(`has the resource "${bad}", which is neither "*" nor an ARN`),
      ]);
    }
  });

  it('trust-policy-sts-only', () => {
    const trust: PolicyStatement = {
      Sid: 'AssumeWithSaml',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111111111111:saml-provider/X' },
      Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
    };
    expect(findings('trust-policy-sts-only', under([trust], 'trust'))).toEqual([]);
    // The rule is about trust policies only.
    expect(findings('trust-policy-sts-only', under([{ ...ok }], 'identity'))).toEqual([]);
    expect(
      findings('trust-policy-sts-only', under([{ ...trust, Action: ['sts:AssumeRole', 's3:GetObject'] }], 'trust')),
    ).toEqual([expect.stringContaining('allows "s3:GetObject" in a trust policy')]);
    const { Principal: _, ...noPrincipal } = trust;
    expect(findings('trust-policy-sts-only', under([noPrincipal], 'trust'))).toEqual([
      expect.stringContaining('names no Principal'),
    ]);
  });

  it('unique-sids', () => {
    expect(findings('unique-sids', under([ok, { ...ok, Sid: 'ReadMore' }]))).toEqual([]);
    expect(findings('unique-sids', under([ok, ok]))).toEqual([
      expect.stringContaining('the Sid "ReadInstances" appears twice'),
    ]);
    expect(findings('unique-sids', under([{ ...ok, Sid: '' }]))).toEqual([
      expect.stringContaining('statement 1 has no Sid'),
    ]);
    expect(findings('unique-sids', under([{ ...ok, Sid: 'Read instances' }]))).toEqual([
      expect.stringContaining('has characters IAM rejects'),
    ]);
    // Resource policies (KMS, S3) take spaces in Sids.
    expect(findings('unique-sids', under([{ ...ok, Sid: 'Read instances' }], 'resource'))).toEqual([]);
  });

  it('no-wildcard-action', () => {
    expect(findings('no-wildcard-action', under([{ ...ok, Action: ['ec2:Describe*'] }]))).toEqual([]);
    expect(findings('no-wildcard-action', under([{ ...ok, Action: '*' }]))).toEqual([
      expect.stringContaining('uses the action "*"'),
    ]);
    const { Action: _, ...rest } = ok;
    expect(findings('no-wildcard-action', under([{ ...rest, NotAction: 'iam:*' }]))).toEqual([
      expect.stringContaining('or NotAction'),
    ]);
  });

  it('start-session-document-check', () => {
    const start: PolicyStatement = {
      Sid: 'Start',
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ec2:eu-west-1:111111111111:instance/*',
      Condition: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    };
    expect(findings('start-session-document-check', under([start]))).toEqual([]);
    expect(findings('start-session-document-check', under([{ ...start, Condition: {} }]))).toEqual([
      expect.stringContaining('allows ssm:StartSession without ssm:SessionDocumentAccessCheck'),
    ]);
    // A Deny of StartSession needs no check.
    expect(findings('start-session-document-check', under([{ ...start, Effect: 'Deny', Condition: {} }]))).toEqual([]);
  });
});

describe('size checks (whitespace not counted)', () => {
  const padded = (chars: number): PolicyDocument => {
    const doc = policyDocument([{ ...ok, Resource: 'arn:aws:s3:::b/' }]);
    const filler = 'x'.repeat(chars - quotaSize(doc));
    return policyDocument([{ ...ok, Resource: `arn:aws:s3:::b/${filler}` }]);
  };

  it('counts no whitespace and counts references at a safe estimate', () => {
    const doc = policyDocument([{ ...ok, Resource: 'arn:aws:s3:::a b/ c' }]);
    expect(quotaSize(doc)).toBe(JSON.stringify(doc).length - 2);
    const withReference = policyDocument([{ ...ok, Resource: '${TfToken[TOKEN.1]}' }]);
    expect(quotaSize(withReference)).toBe(
      JSON.stringify(withReference).length - '${TfToken[TOKEN.1]}'.length + REFERENCE_SIZE_CHARS,
    );
  });

  it.each([
    ['managed policy', POLICY_QUOTAS.managedPolicy, 6_144],
    ['trust policy', POLICY_QUOTAS.trustPolicy, 2_048],
    ['permission set inline policy', POLICY_QUOTAS.permissionSetInlinePolicy, 10_240],
    ['SCP', POLICY_QUOTAS.serviceControlPolicy, 5_120],
  ])('%s: at the limit passes, one over fails naming the policy, its size and the limit', (_, quota, limit) => {
    expect(quota.maxChars).toBe(limit);
    const at: PolicyUnderCheck = { ...under([]), document: padded(limit), quota };
    expect(sizeProblems([at])).toEqual([]);
    const over: PolicyUnderCheck = { ...at, document: padded(limit + 1) };
    expect(sizeProblems([over]).map(formatProblem)).toEqual([
      `test/policy: policy must be at most ${limit.toLocaleString('en-US')} characters without whitespace (${quota.name}), but it has ${(limit + 1).toLocaleString('en-US')}; its largest statements are ReadInstances (${(limit + 1).toLocaleString('en-US')}). To fit, remove what the environment does not need, or split the environment (got "${(limit + 1).toLocaleString('en-US')} characters")`,
    ]);
  });

  it('a size error names what made the policy grow and the fix that applies', () => {
    const group = (n: number): PolicyStatement => ({
      Sid: n === 1 ? 'StartSessionByAttributes' : `StartSessionByAttributes${n}`,
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: `arn:aws:ec2:*:111111111111:instance/*${'x'.repeat(600)}`,
    });
    const policy: PolicyUnderCheck = {
      ...under([]),
      document: policyDocument([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(group)),
      quota: POLICY_QUOTAS.managedPolicy,
    };
    const [problem] = sizeProblems([policy]).map(formatProblem);
    expect(problem).toContain('its largest statements are StartSessionByAttributes');
    expect(problem).toContain(
      'It grows with the attribute groups (one statement per access.attributeRule group, one condition per tag). To fit, lower access.attributeRule.groups or the tags per group',
    );
  });

  it('inline policies count together per role: two under the limit can be over it together', () => {
    const quota = POLICY_QUOTAS.roleInlinePolicies;
    const a: PolicyUnderCheck = {
      ...under([]),
      where: 'stack/a',
      document: padded(6_000),
      quota,
      quotaGroup: 'role-1',
    };
    const b: PolicyUnderCheck = { ...a, where: 'stack/b' };
    const c: PolicyUnderCheck = { ...a, where: 'stack/c', quotaGroup: 'role-2' };
    expect(sizeProblems([a, c])).toEqual([]);
    const problems = sizeProblems([a, b, c]).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('must be at most 10,240 characters');
    expect(problems[0]).toContain('but it has 12,000');
    expect(problems[0]).toContain('counted together: stack/a, stack/b');
  });
});

describe('checks over a construct tree', () => {
  it('finds the policies of resources, overrides included, and throws one ConfigError for all problems', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const role = new IamRole(stack, 'role', {
      name: 'r',
      assumeRolePolicy: renderPolicy(
        policyDocument([
          { Sid: 'Ec2', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ]),
      ),
    });
    new IamRolePolicy(stack, 'inline', { role: role.name, policy: renderPolicy(policyDocument([ok])) });
    const managed = new IamPolicy(stack, 'managed', { policy: renderPolicy(policyDocument([ok])) });
    const found = policiesInScope(stack);
    expect(found.map((p) => [p.where, p.attribute, p.kind])).toEqual([
      ['test/role', 'assume_role_policy', 'trust'],
      ['test/inline', 'policy', 'identity'],
      ['test/managed', 'policy', 'identity'],
    ]);
    expect(() => checkPolicies(found)).not.toThrow();

    managed.addOverride(
      'policy',
      renderPolicy(
        policyDocument([
          { ...ok, Condition: { StringEqual: { 'aws:TagKeys': 'x' } } },
          { ...ok, Action: '*' },
        ]),
      ),
    );
    let error: unknown;
    try {
      checkPolicies(policiesInScope(stack));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.split('\n')).toEqual([
      expect.stringMatching(
        /^test\/managed: policy breaks the policy rule known-condition-operators: statement "ReadInstances" uses the condition operator "StringEqual"/,
      ),
      expect.stringMatching(
        /^test\/managed: policy breaks the policy rule unique-sids: the Sid "ReadInstances" appears twice/,
      ),
      expect.stringMatching(/^test\/managed: policy breaks the policy rule no-wildcard-action/),
    ]);
  });

  it('every policy of standing, CI, just-in-time and Identity Center environments passes, as synthesized', () => {
    const { stacks } = synthesize([...MODULE_FIXTURE_SOURCES, IDENTITY_CENTER_TEST_SOURCE]);
    for (const stack of stacks.values()) {
      const policies = synthesizedPolicies(stack);
      expect(policies.length).toBeGreaterThan(3);
      expect(() => checkPolicies(policies)).not.toThrow();
    }
  });

  it('stops the app before anything is written when the session access policy outgrows its quota', () => {
    const tags = Array.from({ length: 8 }, (_, i) => ({
      principalTag: `ApplicationIdentifierNumber${i}`,
      instanceTag: `APPLICATION_IDENTIFIER_NUMBER_${i}`,
    }));
    const input: EnvironmentInput = {
      ...MODULE_FIXTURE,
      access: { ...MODULE_FIXTURE.access, attributeRule: { tags, groups: 20 } },
    };
    const configs = loadEnvironments([{ file: 'environments/huge.ts', input }]);
    const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-quota-'));
    const app = buildApp(configs, { outdir });
    const written: string[] = [];
    expect(synthesizeApp(app, { stderr: (text) => written.push(text), setExitCode: false })).toBe(false);
    expect(written.join('')).toMatch(
      /fixture\/Default\/session-access\/role-policy: policy must be at most 10,240 characters without whitespace \(IAM inline policies of one role, all together\), but it has [\d,]+/,
    );
    expect(existsSync(join(outdir, 'stacks', 'fixture', 'cdk.tf.json'))).toBe(false);
  });
});
