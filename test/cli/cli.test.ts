import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { main } from '../../cli/main';
import { writeFileAtomic } from '../../cli/write-file';
import { synthesize } from '../support/synth';

/**
 * The command line as a user runs it (in-process, so it is quick): help, a report from saved
 * plans, and one line with exit code 2 and nothing written for each thing that can be wrong.
 */
const fixtures = join(__dirname, '..', 'fixtures', 'plans');
const { outdir } = synthesize(environmentSources.filter((s) => s.input.name === 'example'));

async function run(argv: string[], cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-cli-'))) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr, cwd };
}

describe('help', () => {
  it('lists the commands, and exits 2 without one', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('plan-report');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Commands:\n {2}plan-report .*\n {2}access-report .*\n {2}environments /);
  });

  it.each(['plan-report', 'access-report', 'environments'])('%s --help describes its options', async (command) => {
    const { code, stdout } = await run([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: ssm-federated-access ${command} \\[options\\]`));
    expect(stdout).toContain('--out DIR');
  });
});

describe('a report from saved plans', () => {
  it('writes the Markdown and the HTML page, with the access changes', async () => {
    const { code, stderr, cwd } = await run([
      'plan-report',
      '--out',
      outdir,
      '--plan',
      `example=${join(fixtures, 'widened-policy.json')}`,
      '--markdown',
      'report/plan.md',
      '--html',
      'report/plan.html',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const markdown = readFileSync(join(cwd, 'report', 'plan.md'), 'utf8');
    expect(markdown).toContain('| example | 0 | 1 | 0 | 0 | 1 |');
    expect(markdown).toMatch(/:unlock: gained: alice \(federated\): someone else's instance/);
    // The widened policy allows what the stack's own settings say it should not.
    expect(markdown).toMatch(/<summary>Access matrix after the plan: \d+ cases, .*<b>\d+ not as expected<\/b>/);
    const html = readFileSync(join(cwd, 'report', 'plan.html'), 'utf8');
    expect(html).toContain('<tr class="case gained"');
    // Only the two reports: no temporary files left beside them.
    expect(readdirSync(join(cwd, 'report')).sort()).toEqual(['plan.html', 'plan.md']);
    // The same inputs give the same bytes.
    const again = await run([
      'plan-report',
      '--out',
      outdir,
      '--plan',
      `example=${join(fixtures, 'widened-policy.json')}`,
      '--markdown',
      'plan.md',
      '--html',
      'plan.html',
    ]);
    expect(readFileSync(join(again.cwd, 'plan.md'), 'utf8')).toBe(markdown);
    expect(readFileSync(join(again.cwd, 'plan.html'), 'utf8')).toBe(html);
  });

  it('a stack without the access constructs gets the plan part and a one-line note', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ssm-fa-plain-'));
    mkdirSync(join(out, 'stacks', 'plain'), { recursive: true });
    writeFileSync(
      join(out, 'manifest.json'),
      JSON.stringify({
        version: '0.21.0',
        stacks: {
          plain: { name: 'plain', synthesizedStackPath: 'stacks/plain/cdk.tf.json', workingDirectory: 'stacks/plain' },
        },
      }),
    );
    writeFileSync(
      join(out, 'stacks', 'plain', 'cdk.tf.json'),
      JSON.stringify({ resource: { aws_s3_bucket: { b: { bucket: 'plain-bucket' } } } }),
    );
    const plan = join(out, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        format_version: '1.2',
        resource_changes: [
          {
            address: 'aws_s3_bucket.b',
            mode: 'managed',
            type: 'aws_s3_bucket',
            name: 'b',
            change: { actions: ['create'], before: null, after: { bucket: 'plain-bucket' } },
          },
        ],
      }),
    );
    const { code, stdout } = await run(['plan-report', '--out', out, '--plan', `plain=${plan}`]);
    expect(code).toBe(0);
    expect(stdout).toContain('| plain | 1 | 0 | 0 | 0 | 0 |');
    expect(stdout).toContain(
      '> No access matrix for this stack: no SessionAccessPolicy attached to a role (attachToRole) or to an IdentityCenterPermissionSet. The plan part above is complete.',
    );
  });

  it('environments lists the stacks with GitHub Actions roles', async () => {
    const { code, stdout } = await run(['environments', '--out', outdir]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });
});

describe('clear errors: one line, exit code 2, nothing written', () => {
  const expectRefused = async (argv: string[], message: string | RegExp, cwd?: string) => {
    const result = await run([...argv, '--markdown', 'plan.md', '--html', 'plan.html'], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(readdirSync(result.cwd).filter((f) => f.startsWith('plan') || f.startsWith('.plan'))).toEqual([]);
    return result;
  };

  it('no cdktf.out and no app', async () => {
    await expectRefused(
      ['plan-report', '--offline'],
      /^ssm-federated-access plan-report: no cdktf\.json and no cdktf\.out\/manifest\.json in .*: run it in a CDKTF project, or pass --out DIR/,
    );
  });

  it('an --out folder that is not a synthesized app', async () => {
    await expectRefused(
      ['plan-report', '--out', tmpdir()],
      /: no manifest\.json; point --out at the folder cdktf synth writes/,
    );
  });

  it('a stack name that does not exist', async () => {
    await expectRefused(
      ['plan-report', '--out', outdir, '--offline', 'nosuch'],
      `no stack named "nosuch" in ${outdir}; stacks: example`,
    );
  });

  it('terraform missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'ssm-fa-empty-path-'));
    try {
      await expectRefused(
        ['plan-report', '--out', outdir, '--offline'],
        'terraform was not found on the PATH: install Terraform 1.10 or newer',
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it('a saved plan that does not parse, or is not a plan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-bad-plan-'));
    writeFileSync(join(dir, 'garbage.json'), 'Terraform will perform the following actions:');
    writeFileSync(join(dir, 'state.json'), '{"format_version": "1.0", "values": {}}'.replace('1.0', '0.1'));
    await expectRefused(
      ['plan-report', '--out', outdir, '--plan', `example=${join(dir, 'garbage.json')}`],
      /garbage\.json: not JSON \(.*\); make it with terraform show -json <planfile>$/,
    );
    await expectRefused(
      ['plan-report', '--out', outdir, '--plan', `example=${join(dir, 'state.json')}`],
      /state\.json: not a Terraform JSON plan \(format_version 0\.1\); use terraform show -json <planfile>$/,
    );
    await expectRefused(
      ['plan-report', '--out', outdir, '--plan', `example=${join(dir, 'missing.json')}`],
      /missing\.json: cannot read the saved plan \(ENOENT\)$/,
    );
  });

  it('a saved plan for a stack that does not exist, and a malformed --plan', async () => {
    await expectRefused(
      ['plan-report', '--out', outdir, '--plan', `other=${join(fixtures, 'no-change.json')}`],
      'no stack named "other"',
    );
    await expectRefused(['plan-report', '--plan', 'example'], '--plan takes STACK=FILE');
  });

  it('an unknown option or command', async () => {
    await expectRefused(['plan-report', '--offlin'], /Unknown option '--offlin'.*\(see plan-report --help\)$/);
    const result = await run(['plan-reprot']);
    expect(result).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^ssm-federated-access: unknown command "plan-reprot"/),
    });
  });
});

it('the atomic writer leaves nothing behind when a write fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-atomic-'));
  // A folder where the report should go: the rename fails.
  mkdirSync(join(dir, 'plan.md'));
  expect(() => writeFileAtomic(join(dir, 'plan.md'), 'x')).toThrow();
  expect(readdirSync(dir)).toEqual(['plan.md']);
  expect(existsSync(join(dir, 'plan.md', 'x'))).toBe(false);
});
