import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { TerraformStack } from 'cdktf';
import { environmentSources, loadEnvironments } from '../../environments';
import { main } from '../../cli/main';
import { buildApp } from '../../stacks/app';

/**
 * `access-report` on an app whose stacks are not all made of this library's constructs: with no
 * stack named it reports the ones that are and skips the others with a note, as `plan-report` does;
 * a stack named on the command line must have a matrix.
 */
const outdir = mkdtempSync(join(tmpdir(), 'ssm-fa-access-report-'));
const app = buildApp(loadEnvironments(environmentSources.filter((s) => s.input.name === 'example')), { outdir });
const other = new TerraformStack(app, 'notifications');
new SnsTopic(other, 'topic', { provider: new AwsProvider(other, 'aws', { region: 'eu-west-1' }), name: 'alerts' });
app.synth();

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: outdir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('access-report on an app with a stack of its own', () => {
  it('with no stack named, reports the stacks with the constructs and skips the other with a note', async () => {
    const { code, stdout, stderr } = await run(['access-report', '--out', outdir]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('## Access matrix: example');
    expect(stdout).toMatch(/All \d+ cases decided as expected\./);
    expect(stdout).toContain(
      '## Access matrix: notifications\n\nSkipped: no access matrix for this stack: no SessionAccessPolicy attached to a role (attachToRole) or to an IdentityCenterPermissionSet.',
    );
  });

  it('refuses a named stack without the constructs, in one line', async () => {
    const { code, stdout, stderr } = await run(['access-report', '--out', outdir, 'notifications']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'ssm-federated-access access-report: no access matrix for notifications: no SessionAccessPolicy attached to a role (attachToRole) or to an IdentityCenterPermissionSet\n',
    );
  });

  it('refuses an app none of whose stacks has the constructs', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'ssm-fa-access-report-bare-'));
    const bareApp = buildApp([], { outdir: bare });
    const stack = new TerraformStack(bareApp, 'notifications');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    bareApp.synth();
    const { code, stderr } = await run(['access-report', '--out', bare]);
    expect(code).toBe(2);
    expect(stderr).toContain('no access matrix: no stack in');
  });
});
