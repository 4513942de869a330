import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { main } from '../../cli/main';
import { synthesize } from '../support/synth';

// As in an app that did not install the optional IAM evaluator.
jest.mock('@cloud-copilot/iam-simulate', () => {
  throw new Error("Cannot find module '@cloud-copilot/iam-simulate'");
});

const { outdir } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));
const plan = join(__dirname, '..', 'fixtures', 'plans', 'widened-policy.json');

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: outdir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('without the IAM evaluator', () => {
  it('plan-report still writes the plan part and says how to turn the access part on', async () => {
    const { code, stdout } = await run(['plan-report', '--out', outdir, '--plan', `example=${plan}`]);
    expect(code).toBe(0);
    expect(stdout).toContain('| example | 0 | 1 | 0 | 0 | 1 |');
    expect(stdout).toContain('- added Allow statement `StartSessionOnAnyInstance`');
    expect(stdout).toContain(
      '> The access part is off: to turn it on, install the IAM evaluator (AGPL-3.0): npm install --save-dev @cloud-copilot/iam-simulate @cloud-copilot/iam-policy.',
    );
    expect(stdout).not.toMatch(/Access changes|Access matrix after the plan/);
  });

  it('access-report refuses in one line', async () => {
    const { code, stderr } = await run(['access-report', '--out', outdir]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'ssm-federated-access access-report: the access report needs the IAM evaluator: install the IAM evaluator (AGPL-3.0): npm install --save-dev @cloud-copilot/iam-simulate @cloud-copilot/iam-policy\n',
    );
  });
});
