import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planOffline, terraformVersion } from '../support/terraform';

/**
 * The offline override (`plan-report --offline`, and the recipe in docs/guides/consumer-apps.md) on
 * providers an app configures with `assumeRole`, as consumer apps do: without clearing it the
 * provider calls STS before planning anything.
 */
const ROLE = 'arn:aws:iam::123456789012:role/platform-deploy';

function stackWithProviders(providers: object[]): { dir: string; json: object } {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-offline-'));
  const json = {
    terraform: {
      required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } },
      backend: { s3: { bucket: 'state', key: 'payments-prod/terraform.tfstate', region: 'eu-west-1' } },
    },
    provider: { aws: providers },
    resource: {
      aws_sns_topic: {
        primary: { name: 'primary' },
        secondary: { provider: 'aws.eu-central-1', name: 'secondary' },
      },
    },
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

  it.each([
    ['with assume_role', { assume_role: [{ role_arn: ROLE }] }],
    ['without assume_role', {}],
  ])('plans a stack whose providers are configured %s', (_name, extra) => {
    const guard = { allowed_account_ids: ['123456789012'] };
    const stack = stackWithProviders([
      { region: 'eu-west-1', ...guard, ...extra },
      { alias: 'eu-central-1', region: 'eu-central-1', ...guard, ...extra },
    ]);
    dirs.push(stack.dir);
    const result = planOffline(stack.dir, stack.json);
    dirs.push(result.dir);
    expect(result.plan).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
  });
});
