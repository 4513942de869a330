import { main } from '../../cli/main';

/** The fan-out commands: help, and one line with exit code 2 for each option given wrong. */
async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: process.cwd(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('fan-out commands', () => {
  it.each(['changed-stacks', 'run-shard', 'drift-report'])('%s is listed and --help describes it', async (command) => {
    expect((await run(['--help'])).stdout).toMatch(new RegExp(`\\n {2}${command} `));
    const { code, stdout } = await run([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: ssm-federated-access ${command} \\[options\\]`));
  });

  it.each([
    [['run-shard', '--action', 'plan'], '--shard N is required'],
    [['run-shard', '--shard', '1', '--action', 'destroy'], '--action must be plan, apply or drift, got "destroy"'],
    [
      ['run-shard', '--shard', '1', '--action', 'plan', '--concurrency', '0'],
      '--concurrency must be a whole number 1-32, got "0"',
    ],
    [
      ['run-shard', '--shard', '1', '--action', 'apply', '--offline'],
      '--offline plans only: use it with --action plan',
    ],
    [
      ['run-shard', '--shard', 'x', '--action', 'plan'],
      '--shard must be a shard number 0-255 from the matrix, got "x"',
    ],
    [
      ['changed-stacks'],
      "give one of --base DIR (the base commit's cdktf.out) and --deployed FILE (the deploy record)",
    ],
    [['drift-report'], "--dir DIR is required (the drift jobs' results and plans)"],
    [['environments', '--changed', 'no-such-file.json'], '--changed no-such-file.json: cannot read it as JSON'],
    [['plan-report', '--base', 'a', '--changes', 'b'], '--base and --changes say the same thing: give one of them'],
  ])('%j: refused with one line', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });
});
