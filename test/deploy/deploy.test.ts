import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { PRODUCTION_SHAPES } from '../support/production-shapes';
import { TERRAFORM_RESOURCE_ACTIONS } from '../../modules/github-oidc/terraform-actions';
import { type DeployResult, deployOnEmulator } from '../support/deploy';
import { checkEmulatorInstalled } from '../support/emulator';
import { IDENTITY_CENTER_TEST_SOURCE } from '../support/identity-center-source';
import { terraformVersion } from '../support/terraform';

/**
 * Every shipped environment, and the Identity Center test environment (a permission set managed
 * through a provider for the admin account), deployed on the local AWS API emulator as an
 * operator's first `cdktf deploy` would: one apply that succeeds, a second plan with no changes,
 * the deployed policies and configuration read back equal to what was synthesized, and a clean
 * destroy. The environments deploy at once, each on its own emulators, one per account.
 */
/** The provider's read calls per resource type that the CI plan role is generated to allow. */
const READ_CALLS = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'provider-read-calls.json'), 'utf8')) as {
  types: Record<string, { call: string }[]>;
};

/**
 * The calls the plan role allows for a type: the reviewed list where it has the type, else the CI
 * roles' own table for Identity Center types (the reviewed list does not have them yet; their IAM
 * actions are named as the calls, `sso:DescribePermissionSet` for DescribePermissionSet).
 */
function knownReadCalls(type: string): string[] {
  if (READ_CALLS.types[type]) return READ_CALLS.types[type].map((c) => c.call);
  if (!type.startsWith('aws_ssoadmin_')) return [];
  return (TERRAFORM_RESOURCE_ACTIONS[type]?.read ?? []).map((action) => action.replace(/^sso:/, ''));
}

describe('deploy on the local AWS API emulator, every environment', () => {
  // DEPLOY_ENVIRONMENTS=dev,prod deploys only those (while working on one); CI deploys all.
  const only = process.env.DEPLOY_ENVIRONMENTS?.split(',').filter(Boolean);
  // Production shapes (test/support/production-shapes.ts) deployed beside them: DEPLOY_SHAPES=all
  // deploys every one (the scheduled run), `none` none; CI deploys the 3-region retailer (just-in-time, break-glass, CI, a central bucket).
  const shapeNames = (process.env.DEPLOY_SHAPES ?? 'retailer').split(',').filter(Boolean);
  const shapes = Object.entries(PRODUCTION_SHAPES)
    .filter(([key]) => shapeNames.includes('all') || shapeNames.includes(key))
    .map(([key, input]) => ({ file: `test/support/production-shapes.ts#${key}`, input }));
  const sources = [...environmentSources, IDENTITY_CENTER_TEST_SOURCE, ...shapes].filter(
    (s) => !only || only.includes(String(s.input.name)) || shapes.includes(s as (typeof shapes)[number]),
  );
  const names = sources.map((s) => String(s.input.name));
  const results = new Map<string, DeployResult>();

  beforeAll(
    async () => {
      terraformVersion();
      checkEmulatorInstalled();
      const deployed = await Promise.all(sources.map((source) => deployOnEmulator(source)));
      for (const result of deployed) results.set(result.name, result);
    },
    (20 + 5 * shapes.length) * 60_000,
  );

  afterAll(() => {
    const lines = [...results.values()].map(
      (r) =>
        `${r.name.padEnd(10)} apply ${r.apply.seconds.toFixed(0)} s, second plan ${r.secondPlan?.seconds.toFixed(0) ?? '-'} s, ` +
        `destroy ${r.destroy?.seconds.toFixed(0) ?? '-'} s, all steps ${r.seconds.toFixed(0)} s ` +
        `(${Object.entries(r.steps)
          .map(([step, seconds]) => `${step} ${seconds.toFixed(0)}`)
          .join(', ')})`,
    );
    process.stdout.write(`deploy suite timings (environments deployed at once):\n${lines.join('\n')}\n`);
  });

  const tail = (text: string) => text.split('\n').slice(-60).join('\n');

  describe.each(names)('%s', (name) => {
    const result = () => results.get(name)!;

    it('applies in one pass', () => {
      const { apply, emulatorLog } = result();
      if (apply.code !== 0) {
        throw new Error(
          `terraform apply failed:\n${tail(apply.stderr)}\n${tail(apply.stdout)}\nemulator:\n${tail(emulatorLog)}`,
        );
      }
      expect(apply.stdout).toMatch(/Apply complete! Resources: [1-9]\d* added, 0 changed, 0 destroyed\./);
    });

    it('plans no changes after the apply', () => {
      const { secondPlan, secondPlanChanges } = result();
      expect(secondPlanChanges).toEqual([]);
      // -detailed-exitcode: 0 is "no changes", 2 is "changes", 1 is an error.
      expect(secondPlan?.code).toBe(0);
    });

    it("refreshes only with calls the CI plan role's read list knows (test/fixtures/provider-read-calls.json)", () => {
      // The plan role's reads are checked against that list (test/stacks/ci-roles.test.ts); this
      // checks the list against what the AWS provider really called while planning this stack.
      const { refreshCalls } = result();
      expect(Object.keys(refreshCalls).length).toBeGreaterThan(5);
      const unknown = Object.entries(refreshCalls).flatMap(([type, methods]) =>
        type === ''
          ? methods.filter((m) => m !== 'GetCallerIdentity').map((m) => `provider: ${m}`)
          : methods.filter((m) => !knownReadCalls(type).includes(m)).map((m) => `${type}: ${m}`),
      );
      expect(unknown).toEqual([]);
      // Identity Center resources refresh through the admin account's provider, each with exactly
      // the reads the CI roles' table lists for it.
      const { stack } = result();
      for (const type of Object.keys(stack.json.resource ?? {}).filter((t) => t.startsWith('aws_ssoadmin_'))) {
        expect({ type, calls: refreshCalls[type] }).toEqual({ type, calls: knownReadCalls(type).sort() });
      }
    });

    it('deploys exactly what was synthesized (read back from the emulator)', () => {
      const { readBack, stack } = result();
      const kinds = new Set(readBack.map((r) => r.what.split(/[. ]/)[0]));
      const expectedKinds = ['aws_iam_role', 'aws_iam_role_policy', 'aws_kms_key', 'aws_ssm_document'];
      if (stack.json.resource?.aws_s3_bucket_policy)
        expectedKinds.push('aws_s3_bucket_policy', 'aws_s3_bucket_logging');
      if (stack.json.resource?.aws_lambda_function) expectedKinds.push('aws_lambda_function', 'aws_sqs_queue_policy');
      for (const type of [
        'aws_ssoadmin_permission_set',
        'aws_ssoadmin_permission_set_inline_policy',
        'aws_ssoadmin_instance_access_control_attributes',
        'aws_ssoadmin_account_assignment',
      ]) {
        if (stack.json.resource?.[type]) expectedKinds.push(type);
      }
      expect([...kinds].sort()).toEqual(expect.arrayContaining(expectedKinds.sort()));
      for (const { what, deployed, synthesized } of readBack) {
        expect({ what, deployed }).toEqual({ what, deployed: synthesized });
      }
    });

    it('destroys everything it created, once the audit buckets are emptied', () => {
      const { destroy, destroyRefusals, remaining, emulatorLog } = result();
      // The only thing a destroy may refuse is deleting an audit bucket that still holds objects.
      expect(destroyRefusals.filter((r) => r.code !== 'BucketNotEmpty')).toEqual([]);
      if (destroy?.code !== 0) {
        throw new Error(`terraform destroy failed:\n${tail(destroy?.stderr ?? '')}\nemulator:\n${tail(emulatorLog)}`);
      }
      expect(remaining).toEqual([]);
    });
  });
});
