import { type EnvironmentInput, type EnvironmentSource, environmentSources } from '../../environments';
import { type DeployResult, deployOnEmulator } from '../support/deploy';

/**
 * Deploy time per shipped environment on the local AWS API emulator (the deploy suite's pipeline,
 * one environment at a time): apply, the second plan, and the destroy. Then the cost of a region:
 * `dev` deployed with 1 and with more regions (BENCH_DEPLOY_REGIONS=1,8 by default), and the
 * difference per added region. Most of an apply is the AWS provider's own waits for eventual
 * consistency (S3 lifecycle rules 55 s, SQS attributes 25 s, KMS keys), which overlap; a region
 * adds one AWS provider process per Terraform step, whose start is seconds of CPU.
 */

/** Regions added to `dev` (primary eu-central-1) in this order. */
const EXTRA_REGIONS = ['eu-west-1', 'us-east-1', 'eu-west-2', 'us-west-2', 'eu-north-1', 'us-east-2', 'eu-west-3'];

function withRegions(source: EnvironmentSource, count: number): EnvironmentSource {
  const input = source.input as EnvironmentInput;
  const additionalRegions = EXTRA_REGIONS.filter((r) => r !== input.primaryRegion).slice(0, count - 1);
  return { ...source, input: { ...input, additionalRegions } as EnvironmentInput };
}

function line(label: string, result: DeployResult): { text: string; ok: boolean } {
  const ok = result.apply.code === 0 && result.secondPlan?.code === 0 && result.destroy?.code === 0;
  const resources = /Resources: (\d+) added/.exec(result.apply.stdout)?.[1] ?? '?';
  const text =
    `  ${label.padEnd(12)} ${resources.padStart(3)} resources: apply ${result.apply.seconds.toFixed(0)} s, ` +
    `second plan ${result.secondPlan?.seconds.toFixed(0) ?? '-'} s, destroy ${result.destroy?.seconds.toFixed(0) ?? '-'} s, ` +
    `all steps with init and read-back ${result.seconds.toFixed(0)} s${ok ? '' : '  (FAILED: run npm run test:deploy)'}\n`;
  return { text, ok };
}

async function main(): Promise<void> {
  // DEPLOY_ENVIRONMENTS=dev,prod deploys only those, as in the deploy suite (none: only the regions).
  const only = process.env.DEPLOY_ENVIRONMENTS?.split(',').filter(Boolean);
  process.stdout.write('\ndeploy on the local AWS API emulator (one environment at a time)\n');
  for (const source of environmentSources.filter((s) => !only || only.includes(String(s.input.name)))) {
    const { text, ok } = line(String(source.input.name), await deployOnEmulator(source));
    process.stdout.write(text);
    if (!ok) process.exitCode = 1;
  }

  const counts = (process.env.BENCH_DEPLOY_REGIONS ?? '1,8')
    .split(',')
    .map(Number)
    .filter((n) => n >= 1);
  if (counts.length === 0) return;
  const dev = environmentSources.find((s) => s.input.name === 'dev')!;
  process.stdout.write('\nthe cost of a region: dev with 1 and more regions\n');
  const results: { count: number; result: DeployResult }[] = [];
  for (const count of counts) {
    const result = await deployOnEmulator(withRegions(dev, count));
    const { text, ok } = line(`${count} region${count === 1 ? '' : 's'}`, result);
    process.stdout.write(text);
    if (!ok) process.exitCode = 1;
    results.push({ count, result });
  }
  const [first, last] = [results[0], results.at(-1)!];
  if (last.count > first.count) {
    const per = (pick: (r: DeployResult) => number) =>
      ((pick(last.result) - pick(first.result)) / (last.count - first.count)).toFixed(1);
    process.stdout.write(
      `  per added region: apply ${per((r) => r.apply.seconds)} s, second plan ${per((r) => r.secondPlan?.seconds ?? 0)} s, ` +
        `destroy ${per((r) => r.destroy?.seconds ?? 0)} s, all steps ${per((r) => r.seconds)} s\n`,
    );
  }
}

void main();
