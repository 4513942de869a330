import { type EnvironmentSource, environmentSources } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { READS_WITHOUT_RESOURCE_TYPES } from '../../modules/github-oidc/refresh-resources';
import { TERRAFORM_RESOURCE_ACTIONS } from '../../modules/github-oidc/terraform-actions';
import { ACTION_RESOURCE_TYPES } from '../../modules/rules/action-resource-types';
import { checkStack } from '../../modules/rules/check-stack';
import { expandAction, iamNoRestrictableActionsOnStar } from '../../modules/rules/iam-no-restrictable-actions-on-star';
import type { TerraformJson } from '../../modules/rules/rule';
import { readPolicyText, resources } from '../../modules/rules/terraform-json';
import { logicalIdAt, synthesize } from '../support/synth';

/**
 * No "*" resource for an action that supports resource-level permissions, in the CI plan role's
 * policies of every environment: the check checkov makes as CKV_AWS_355, shipped as the pack's
 * rule SFA-IAM4 (modules/rules/iam-no-restrictable-actions-on-star.ts), which also judges every
 * other role policy (see security-baseline.test.ts). The plan role is held to it without any
 * suppression; its "*" actions are exactly the reads the module gives a reason for.
 */

const list = (value: string | readonly string[] | undefined) => [value ?? []].flat();

/** The example has no `ci`; this copy has, so that its resource types (VPC endpoints) are covered too. */
const exampleSource = environmentSources.find((s) => s.input.name === 'example')!;
const sources: EnvironmentSource[] = [
  ...environmentSources.filter((s) => s.input.name !== 'example'),
  {
    file: 'test/stacks/restrictable-actions.test.ts',
    input: { ...exampleSource.input, ci: { githubRepository: 'example-org/ssm-federated-access' } },
  },
];
const { configs, stacks } = synthesize(sources);

/** The plan role's policies (inline, and the stack's managed policies attached to it), by address. */
function planPolicies(json: TerraformJson, roleId: string): [string, PolicyDocument][] {
  const role = (ref: unknown) => new RegExp(`^\\$\\{aws_iam_role\\.${roleId}\\.(name|id)\\}$`).test(String(ref));
  const attached = resources(json, 'aws_iam_role_policy_attachment')
    .filter(([, a]) => role(a.role))
    .map(([, a]) => /^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/.exec(String(a.policy_arn))![1]);
  return [
    ...resources(json, 'aws_iam_role_policy')
      .filter(([, p]) => role(p.role))
      .map(([id, p]): [string, PolicyDocument] => [`aws_iam_role_policy.${id}`, readPolicyText(p.policy)!]),
    ...attached.map((id): [string, PolicyDocument] => [
      `aws_iam_policy.${id}`,
      readPolicyText(json.resource.aws_iam_policy[id].policy)!,
    ]),
  ];
}

const environments = configs.map((config) => {
  const stack = stacks.get(config.name)!;
  const policies = planPolicies(stack.json, logicalIdAt(stack, 'aws_iam_role', 'github-actions/plan-role'));
  return { name: config.name, json: stack.json, policies };
});

describe.each(environments)('the plan role of $name (CKV_AWS_355)', ({ json, policies }) => {
  it('allows no action that supports resource-level permissions on "*" (SFA-IAM4, no suppression)', () => {
    expect(policies.length).toBeGreaterThan(0);
    const addresses = policies.map(([address]) => address);
    const findings = checkStack(json).findings.filter((f) => addresses.includes(f.address));
    expect(findings).toEqual([]);
  });

  it('keeps "*" only for actions without a resource type, each with its reason in the module', () => {
    const onStar = policies
      .flatMap(([, p]) => p.Statement)
      .filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*'))
      .flatMap((s) => list(s.Action));
    expect(onStar.length).toBeGreaterThan(0);
    expect(onStar.filter((a) => ACTION_RESOURCE_TYPES[a]?.length !== 0)).toEqual([]);
    expect(onStar.filter((a) => !(a in READS_WITHOUT_RESOURCE_TYPES))).toEqual([]);
  });

  it('uses only actions the table knows, on "*" or not, so a new one is reviewed', () => {
    const actions = policies.flatMap(([, p]) =>
      p.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action)),
    );
    expect(actions.filter((a) => expandAction(a, ACTION_RESOURCE_TYPES).length === 0)).toEqual([]);
  });
});

describe('the CKV_AWS_355 check itself (SFA-IAM4)', () => {
  /** A stack whose one role has this inline policy. */
  const stackWith = (...statements: Omit<PolicyStatement, 'Effect'>[]): TerraformJson => ({
    resource: {
      aws_iam_role: { r: { name: 'r' } },
      aws_iam_role_policy: {
        p: {
          role: '${aws_iam_role.r.name}',
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: statements.map((s) => ({ Effect: 'Allow', ...s })),
          }),
        },
      },
    },
  });
  const details = (json: TerraformJson) => iamNoRestrictableActionsOnStar(json).map((f) => f.detail);

  it('passes restrictable actions on ARNs, and actions without a resource type on "*"', () => {
    expect(
      details(
        stackWith(
          { Sid: 'Named', Action: ['kms:GetKeyPolicy', 's3:GetBucketPolicy'], Resource: ['arn:aws:s3:::b'] },
          { Sid: 'Listing', Action: ['ec2:DescribeSecurityGroups', 'kms:ListAliases'], Resource: '*' },
        ),
      ),
    ).toEqual([]);
  });

  it('flags the plan role as it was: every refresh read on "*"', () => {
    const reads = [...new Set(Object.values(TERRAFORM_RESOURCE_ACTIONS).flatMap((t) => t.read))];
    const flagged = details(stackWith({ Sid: 'TerraformRefreshReads', Action: reads, Resource: '*' })).map((d) =>
      d!.replace('TerraformRefreshReads/', ''),
    );
    expect(flagged).toEqual(
      expect.arrayContaining(['iam:GetRole', 'iam:GetRolePolicy', 's3:GetBucketPolicy', 'kms:GetKeyPolicy']),
    );
    // What stays on "*" is exactly what the module says cannot be scoped.
    expect(reads.filter((r) => !flagged.includes(r)).sort()).toEqual(Object.keys(READS_WITHOUT_RESOURCE_TYPES).sort());
  });

  it('flags a "*" among ARNs, a conditional statement, and an action it does not know on "*"', () => {
    expect(
      details(
        stackWith(
          { Sid: 'Mixed', Action: 'iam:GetRole', Resource: ['arn:aws:iam::111111111111:role/a', '*'] },
          {
            Sid: 'Conditional',
            Action: 'kms:DescribeKey',
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/Project': 'x' } },
          },
          { Sid: 'Unknown', Action: 'glue:GetTable', Resource: '*' },
        ),
      ),
    ).toEqual(['Mixed/iam:GetRole', 'Conditional/kms:DescribeKey', 'Unknown/glue:GetTable']);
  });
});
