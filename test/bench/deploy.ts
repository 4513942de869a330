import { environmentSources } from '../../environments';
import { deployOnEmulator } from '../support/deploy';

/**
 * Deploy time per shipped environment on the local AWS API emulator (the deploy suite's pipeline,
 * one environment at a time): apply, the second plan, and the destroy. Most of an apply is the AWS
 * provider's own waits for eventual consistency (S3 lifecycle rules, SQS attributes, KMS keys).
 */
async function main(): Promise<void> {
  process.stdout.write('\ndeploy on the local AWS API emulator (one environment at a time)\n');
  for (const source of environmentSources) {
    const started = Date.now();
    const result = await deployOnEmulator(source);
    const total = (Date.now() - started) / 1000;
    const ok = result.apply.code === 0 && result.secondPlan?.code === 0 && result.destroy?.code === 0;
    const resources = /Resources: (\d+) added/.exec(result.apply.stdout)?.[1] ?? '?';
    process.stdout.write(
      `  ${result.name.padEnd(8)} ${resources.padStart(3)} resources: apply ${result.apply.seconds.toFixed(0)} s, ` +
        `second plan ${result.secondPlan?.seconds.toFixed(0) ?? '-'} s, destroy ${result.destroy?.seconds.toFixed(0) ?? '-'} s, ` +
        `total with init and read-back ${total.toFixed(0)} s${ok ? '' : '  (FAILED: run npm run test:deploy)'}\n`,
    );
    if (!ok) process.exitCode = 1;
  }
}

void main();
