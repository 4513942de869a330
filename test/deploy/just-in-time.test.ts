import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { manualApprovalContent } from '../../modules/just-in-time/approval-documents';
import { JustInTimeApprovalPolicies } from '../../modules/just-in-time/just-in-time-approval-policies';
import { synthStack } from '../support/construct-synth';
import { refreshCallsOf } from '../support/deploy';
import { type Emulator, awsCalls, checkEmulatorInstalled, startEmulator } from '../support/emulator';
import { type TerraformRun, emulatorOverride, prepareCopy, runAsync, terraformVersion } from '../support/terraform';
import { EMULATOR_PATCHES } from './emulator-gaps';

/**
 * The provider trap, on the emulator (patched to refuse DescribeDocumentPermission for the
 * just-in-time document types, as AWS does): `JustInTimeApprovalPolicies` applies, plans no change
 * and destroys, never reading the documents' permissions; the same document as an `aws_ssm_document`
 * fails its apply, which is why the construct goes through CloudFormation.
 */
const READ_CALLS = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'provider-read-calls.json'), 'utf8')) as {
  types: Record<string, { call: string }[]>;
};
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const quiet = ['-input=false', '-no-color'];

const manual = {
  name: 'jit-test-platform-approval',
  targets: 'all' as const,
  approvers: [{ type: 'SSOGroup' as const, name: 'a1b2c3d4-platform' }],
  minRequiredApprovals: 1,
  accessDurationHours: 4,
};

function stackWith(build: (stack: TerraformStack, provider: AwsProvider) => void) {
  const stack = new TerraformStack(Testing.app(), 'jit');
  const provider = new AwsProvider(stack, 'aws', { region: REGION });
  build(stack, provider);
  return synthStack(stack);
}

async function terraform(emulator: Emulator, stackDir: string, json: unknown) {
  const { dir, env } = prepareCopy(stackDir, emulatorOverride(json, emulator));
  const init = await runAsync(dir, env, ['init', ...quiet]);
  if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
  return {
    dir,
    run: (args: string[], extra: Record<string, string> = {}) => runAsync(dir, { ...env, ...extra }, args),
  };
}

const failure = (run: TerraformRun, emulator: Emulator) =>
  `terraform ${run.code}:\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}\nemulator:\n${emulator.log().slice(-2000)}`;

describe('just-in-time approval policies on the emulator', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    terraformVersion();
    checkEmulatorInstalled();
    emulator = await startEmulator(ACCOUNT, EMULATOR_PATCHES);
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  it('JustInTimeApprovalPolicies: one apply, an empty second plan without DescribeDocumentPermission, a clean destroy', async () => {
    let policies!: JustInTimeApprovalPolicies;
    const synthesized = stackWith((stack, provider) => {
      policies = new JustInTimeApprovalPolicies(stack, 'approvals', {
        provider,
        region: REGION,
        environmentName: 'jit-test',
        autoApproval: {
          attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 2 },
          exceptWhenTagged: { key: 'Restricted', value: 'true' },
        },
        manualApprovals: [manual],
      });
    });
    const tf = await terraform(emulator, synthesized.dir, synthesized.json);

    const apply = await tf.run(['apply', '-auto-approve', ...quiet]);
    if (apply.code !== 0) throw new Error(failure(apply, emulator));
    expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed\./);

    const log = join(tf.dir, 'second-plan.log');
    const plan = await tf.run(['plan', '-detailed-exitcode', ...quiet], { TF_LOG_PROVIDER: 'debug', TF_LOG_PATH: log });
    expect({ code: plan.code, out: plan.code === 0 ? '' : failure(plan, emulator) }).toEqual({ code: 0, out: '' });
    const calls = existsSync(log) ? refreshCallsOf(readFileSync(log, 'utf8')) : {};
    // Exactly the calls the CI plan role's read list knows for the type (test/fixtures/provider-read-calls.json).
    const known = READ_CALLS.types.aws_cloudformation_stack!.map((c) => c.call).sort();
    expect(calls.aws_cloudformation_stack).toEqual(known);
    expect(Object.values(calls).flat()).not.toContain('DescribeDocumentPermission');

    // The documents CloudFormation made, read back: their types, and the Cedar the construct validated.
    const [auto, approval] = await awsCalls(emulator.endpoint, [
      {
        service: 'ssm',
        region: REGION,
        method: 'get_document',
        params: { Name: 'SSM-JustInTimeAccessAutoApprovalPolicy' },
      },
      { service: 'ssm', region: REGION, method: 'get_document', params: { Name: manual.name } },
    ]);
    if (!auto!.ok || !approval!.ok) throw new Error(JSON.stringify([auto, approval]));
    expect(auto!.result.DocumentType).toBe('AutoApprovalPolicy');
    expect(parse(auto!.result.Content as string).AutoApprovalPolicyDocuments[0].content).toBe(
      policies.autoApprovalCedar,
    );
    expect(approval!.result.DocumentType).toBe('ManualApprovalPolicy');
    expect(parse(approval!.result.Content as string)).toEqual(manualApprovalContent(manual));

    const destroy = await tf.run(['destroy', '-auto-approve', ...quiet]);
    if (destroy.code !== 0) throw new Error(failure(destroy, emulator));
    const [gone] = await awsCalls(emulator.endpoint, [
      { service: 'ssm', region: REGION, method: 'describe_document', params: { Name: manual.name } },
    ]);
    expect(gone!.ok).toBe(false);
  }, 600_000);

  it('the trap itself: an aws_ssm_document of type ManualApprovalPolicy fails its apply on DescribeDocumentPermission', async () => {
    const synthesized = stackWith((stack, provider) => {
      new SsmDocument(stack, 'manual', {
        provider,
        name: 'jit-test-direct-manual-approval',
        documentType: 'ManualApprovalPolicy',
        documentFormat: 'JSON',
        content: JSON.stringify(manualApprovalContent(manual)),
      });
    });
    const tf = await terraform(emulator, synthesized.dir, synthesized.json);
    const apply = await tf.run(['apply', '-auto-approve', ...quiet]);
    expect(apply.code).not.toBe(0);
    expect(apply.stderr).toMatch(/DescribeDocumentPermission|InvalidDocumentOperation/);
  }, 600_000);
});
