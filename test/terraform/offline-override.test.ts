import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOffline, terraformVersion, validateOffline } from '../support/terraform';

/**
 * The offline override (`plan-report --offline`, and the recipe in docs/guides/consumer-apps.md) on
 * providers an app configures with `assumeRole`, as consumer apps do: without clearing it the
 * provider calls STS before planning anything.
 */
const ROLE = 'arn:aws:iam::123456789012:role/platform-deploy';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function stackWith(providers: object[], resource: Record<string, any>): { dir: string; json: object } {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-offline-'));
  const json = {
    terraform: {
      required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } },
      backend: { s3: { bucket: 'state', key: 'payments-prod/terraform.tfstate', region: 'eu-west-1' } },
    },
    provider: { aws: providers },
    resource,
  };
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  return { dir, json };
}

describe('the offline override', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  beforeAll(() => {
    terraformVersion();
  });

  // One stack, so one schema load: each provider is overridden on its own, so a provider with
  // assume_role and one without are two cases of the same plan.
  it('plans a stack whose providers are configured with assume_role and without', () => {
    const guard = { allowed_account_ids: ['123456789012'] };
    const assumeRole = { assume_role: [{ role_arn: ROLE }] };
    const stack = stackWith(
      [
        { region: 'eu-west-1', ...guard, ...assumeRole },
        { alias: 'eu-central-1', region: 'eu-central-1', ...guard, ...assumeRole },
        { alias: 'us-east-1', region: 'us-east-1', ...guard },
      ],
      {
        aws_sns_topic: {
          primary: { name: 'primary' },
          secondary: { provider: 'aws.eu-central-1', name: 'secondary' },
          plain: { provider: 'aws.us-east-1', name: 'plain' },
        },
      },
    );
    dirs.push(stack.dir);
    const result = planOffline(stack.dir, stack.json, { validate: false });
    dirs.push(result.dir);
    expect(result.plan).toContain('Plan: 3 to add, 0 to change, 0 to destroy.');
  });

  /**
   * The plan suites run `terraform plan` without a separate `terraform validate`: the plan validates
   * the configuration first (the same validation walk) and refuses what validate refuses, which
   * this shows on errors of both kinds, Terraform's own and the provider's argument checks.
   */
  it('terraform plan refuses what terraform validate refuses, with the same errors', () => {
    const stack = stackWith([{ region: 'eu-west-1' }], {
      aws_sns_topic: { topic: { name: 'topic', no_such_argument: true } },
      aws_iam_role: {
        role: { name: 'role', assume_role_policy: '{}', max_session_duration: 60 },
      },
      aws_sqs_queue: { queue: { name: '${aws_sns_topic.missing.name}' } },
    });
    dirs.push(stack.dir);
    const errors = [
      'No argument or block type is named "no_such_argument".',
      'A managed resource "aws_sns_topic" "missing" has not been declared in the root module.',
      'expected max_session_duration to be in the range (3600 - 43200), got 60',
    ];
    // Terraform wraps its messages at 80 columns.
    const failure = (command: () => unknown) => {
      try {
        command();
      } catch (error) {
        return String(error).replace(/\s+/g, ' ');
      }
      return 'no error';
    };
    const validateOutput = failure(() => validateOffline(stack.dir, stack.json));
    const planOutput = failure(() => planOffline(stack.dir, stack.json, { validate: false }));
    for (const error of errors) {
      expect({ error, validate: validateOutput.includes(error), plan: planOutput.includes(error) }).toEqual({
        error,
        validate: true,
        plan: true,
      });
    }
    expect(planOutput).not.toContain('Plan:');
  });
});
