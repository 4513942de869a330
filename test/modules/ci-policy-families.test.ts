import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformStack, Testing } from 'cdktf';
import { attachmentProblems } from '../../modules/core/policy-lint';
import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { RESOURCE_TYPES } from '../../modules/core/resource-types';
import { CI_POLICY_FAMILIES, familyOf } from '../../modules/github-oidc/ci-policies';
import type { SsmFederatedAccess } from '../../modules/ssm-federated-access/ssm-federated-access';
import { PRODUCTION_SHAPES, everyFeature, minimumFeatures, retailer } from '../support/production-shapes';
import { buildEnvironment, policySizes } from '../support/policy-sizes';
import { readPolicy } from '../support/synth';

/**
 * The CI roles' policies are split into managed policies by service family, and a statement's
 * policy depends on its service alone: growing an environment (a region, a feature, a resource
 * type) adds statements or policies, but never moves a statement from one policy to another
 * (which would take the permission away for the moment a deploy swaps the attachments).
 */

/** Policy name -> the Sids it holds, for every CI policy of the construct. */
function placement(access: SsmFederatedAccess): Map<string, string> {
  const where = new Map<string, string>();
  const policies: IamPolicy[] = [...access.ci!.planReadPolicies.values(), ...access.ci!.deployPolicies.values()];
  for (const policy of policies) {
    const tf = policy.toTerraform() as {
      resource: { aws_iam_policy: Record<string, { name: string; policy: string }> };
    };
    const { name, policy: rendered } = Object.values(tf.resource.aws_iam_policy)[0];
    for (const s of readPolicy(rendered).Statement) where.set(s.Sid, name);
  }
  return where;
}

/** Statements present in both whose policy differs. */
function moved(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...before].filter(([sid, name]) => after.has(sid) && after.get(sid) !== name).map(([sid]) => sid);
}

describe('CI policy families', () => {
  it('puts every service of the registry in exactly one family', () => {
    const services = [...new Set(Object.values(RESOURCE_TYPES).map((t) => t.service))].sort();
    for (const service of services)
      expect({ service, family: familyOf(service) }).toEqual({ service, family: expect.any(String) });
    const listed = Object.values(CI_POLICY_FAMILIES).flat();
    expect(listed.length).toBe(new Set(listed).size);
  });

  it('a service in no family stops the synth with the table to extend', () => {
    expect(() => familyOf('dynamodb')).toThrow('Add it to CI_POLICY_FAMILIES');
  });

  it.each([
    ['a region', minimumFeatures(1, 'grow'), minimumFeatures(2, 'grow')],
    ['three more regions', everyFeature(2, 'grow'), everyFeature(5, 'grow')],
    [
      'CI roles to a just-in-time retailer',
      { ...retailer, name: 'grow' },
      { ...retailer, name: 'grow', justInTime: undefined, access: { mode: 'standing' as const } },
    ],
    [
      'VPC endpoints, Object Lock and the tag-mode launch tagger',
      { ...everyFeature(3, 'grow'), vpcEndpoints: {}, logging: {}, launchTagger: { enabled: true } },
      everyFeature(3, 'grow'),
    ],
    [
      'just-in-time access and break-glass',
      { ...everyFeature(3, 'grow'), access: { mode: 'standing' as const }, justInTime: undefined },
      everyFeature(3, 'grow'),
    ],
  ])('adding %s moves no statement between policies', (_label, smaller, larger) => {
    const before = placement(buildEnvironment({ ...smaller, ci: { githubRepository: 'example-org/access' } }));
    const after = placement(buildEnvironment({ ...larger, ci: { githubRepository: 'example-org/access' } }));
    // The comparison has something to compare: most statements are in both.
    expect([...before.keys()].filter((sid) => after.has(sid)).length).toBeGreaterThan(3);
    expect(moved(before, after)).toEqual([]);
    expect(moved(after, before)).toEqual([]);
  });

  it("a consumer's own resources in the stack change none of the library's policies", () => {
    const sizes = (access: SsmFederatedAccess) => policySizes(access).map((s) => `${s.where} ${s.size}`);
    const alone = buildEnvironment(retailer);
    const beside = buildEnvironment(retailer);
    const stack = TerraformStack.of(beside);
    for (const i of [1, 2, 3]) new SnsTopic(stack, `app-topic-${i}`, { name: `retail-orders-${i}` });
    new SqsQueue(stack, 'app-queue', { name: 'retail-orders' });
    expect(sizes(beside)).toEqual(sizes(alone));
  });
});

describe('the production shapes', () => {
  it.each(Object.keys(PRODUCTION_SHAPES))('%s: every policy within 85%% of its quota', (name) => {
    const sizes = policySizes(buildEnvironment(PRODUCTION_SHAPES[name]));
    expect(sizes.filter((s) => s.share > 0.85).map((s) => `${s.where} ${s.size}/${s.maxChars}`)).toEqual([]);
  });
});

describe('managed policies per role', () => {
  it("every feature in two regions stays within IAM's 10 managed policies per role", () => {
    const access = buildEnvironment({ ...everyFeature(2, 'room') });
    expect(attachmentProblems(access)).toEqual([]);
  });

  it('more than 10 on one role is a problem naming the role and the count', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const role = new IamRole(stack, 'role', { name: 'r', assumeRolePolicy: '{}' });
    for (let i = 1; i <= 11; i++) {
      new IamRolePolicyAttachment(stack, `attachment-${i}`, {
        role: role.name,
        policyArn: `arn:aws:iam::aws:policy/P${i}`,
      });
    }
    expect(attachmentProblems(stack).map((p) => p.message)).toEqual([
      'must be at most 10 (IAM managed policies per role, default quota), but 11 are attached. Combine your own statements into one policy (ciPermissions), or ask AWS for the increase to 20',
    ]);
  });
});
