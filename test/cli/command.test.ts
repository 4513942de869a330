import { defineCommand } from '../../cli/commands/command';
import { mapConcurrently } from '../../cli/commands/map-concurrently';
import {
  AppNotFoundError,
  CliError,
  EnvironmentConfigError,
  EvaluatorMissingError,
  EvaluationError,
  NoAccessModelError,
  StackReadError,
  GitHubApiError,
  InputFileError,
  InvalidPlanError,
  NoAccessMatrixError,
  ResourceNotFoundError,
  StackStepError,
  SynthesisFailedError,
  TerraformFailedError,
  TerraformMissingError,
  UnknownStackError,
  UsageError,
} from '../../cli/errors';
import { main } from '../../cli/main';
import { renderReport } from '../../cli/report/render';

/** The scaffolding every command shares: options and help, concurrency, errors, the report's layout. */
const echo = defineCommand({
  name: 'echo',
  summary: 'prints its options',
  help: 'Usage: echo [--word WORD]\n',
  options: { word: { type: 'string', default: 'hello' }, loud: { type: 'boolean', default: false } },
  async run({ values, positionals }) {
    return { code: 0, stdout: JSON.stringify({ values, positionals }), files: [] };
  },
});

describe('defineCommand', () => {
  const io = { cwd: '/' };

  it('parses the options, with their defaults', async () => {
    expect(JSON.parse((await echo.run(['--word', 'hi'], io)).stdout)).toEqual({
      values: { word: 'hi', loud: false },
      positionals: [],
    });
  });

  it('prints the help for -h or --help anywhere, even beside an unknown option', async () => {
    for (const argv of [['-h'], ['--help'], ['--nosuch', '--help'], ['--word', 'x', '-h']])
      expect(await echo.run(argv, io)).toEqual({ code: 0, stdout: 'Usage: echo [--word WORD]\n', files: [] });
  });

  it.each([
    [['--wrod', 'x'], /^Unknown option '--wrod'.* \(see echo --help\)$/],
    [['--word'], /^Option '--word <value>' argument missing \(see echo --help\)$/],
    [['stack'], /^Unexpected argument 'stack'.* \(see echo --help\)$/],
  ])('%j is a usage error that points at the help', async (argv, message) => {
    const refused = echo.run(argv, io);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(message);
  });

  it('takes operands only when the command says so', async () => {
    const stacks = defineCommand({
      name: 'stacks',
      summary: '',
      help: '',
      options: {},
      positionals: true,
      async run({ positionals }) {
        return { code: 0, stdout: positionals.join(','), files: [] };
      },
    });
    expect((await stacks.run(['dev', 'prod'], io)).stdout).toBe('dev,prod');
  });
});

describe('mapConcurrently', () => {
  it('runs at most `limit` at a time and keeps the items’ order', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([30, 5, 20, 1, 10, 2], 2, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return ms * 2;
    });
    expect(results).toEqual([60, 10, 40, 2, 20, 4]);
    expect(most).toBe(2);
  });

  it('starts no more workers than there are items, and none for no items', async () => {
    expect(await mapConcurrently([], 4, () => 1)).toEqual([]);
    expect(await mapConcurrently(['a'], 4, (x) => x.toUpperCase())).toEqual(['A']);
  });
});

describe('errors a user sees', () => {
  // Written from the exit codes the commands' help states: 1 terraform or a stack failed, 2 nothing done.
  it.each([
    ['UsageError', 2, () => new UsageError('m')],
    ['InputFileError', 2, () => new InputFileError('m')],
    ['InvalidPlanError', 2, () => new InvalidPlanError('m')],
    ['AppNotFoundError', 2, () => new AppNotFoundError('m')],
    ['SynthesisFailedError', 2, () => new SynthesisFailedError('m')],
    ['UnknownStackError', 2, () => new UnknownStackError('m')],
    ['ResourceNotFoundError', 2, () => new ResourceNotFoundError('m')],
    ['EnvironmentConfigError', 2, () => new EnvironmentConfigError('m')],
    ['NoAccessMatrixError', 2, () => new NoAccessMatrixError('m')],
    ['EvaluatorMissingError', 2, () => new EvaluatorMissingError('m')],
    ['NoAccessModelError', 2, () => new NoAccessModelError('dev', 'no SessionAccessPolicy')],
    ['StackReadError', 2, () => new StackReadError('m')],
    ['EvaluationError', 2, () => new EvaluationError('m')],
    ['GitHubApiError', 2, () => new GitHubApiError('m')],
    ['TerraformMissingError', 2, () => new TerraformMissingError()],
    ['TerraformFailedError', 1, () => new TerraformFailedError('/tmp/x', ['plan'], 'Error: no credentials', '')],
    ['StackStepError', 1, () => new StackStepError('m')],
  ])('%s exits with %i', (name, exitCode, make) => {
    const error = make();
    expect(error).toBeInstanceOf(CliError);
    expect(error.name).toBe(name);
    expect(error.exitCode).toBe(exitCode);
  });

  it('main prints the one line and exits with the error’s code, no stack trace', async () => {
    let stderr = '';
    const code = await main(['drift-report', '--dir', '/nonexistent/drift'], {
      cwd: '/',
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      "ssm-federated-access drift-report: --dir /nonexistent/drift: no such folder; download the drift jobs' artifacts into it\n",
    );
  });
});

describe('the report layout', () => {
  it('puts the stack selection under the heading, before the summary table', () => {
    const markdown = renderReport([], { notPlanned: ['b'], added: ['a'], deleted: [], unchanged: ['c', 'd'] });
    expect(markdown.split('\n').slice(0, 7)).toEqual([
      '<!-- ssm-federated-access plan report -->',
      '## Terraform plan review',
      '',
      '- **not planned** (new or changed, but no plan: see the failed plan jobs): b',
      '- new stacks (planned against an empty state): a',
      '- configuration unchanged: c, d',
      '',
    ]);
    expect(markdown.split('\n')[7]).toMatch(/^\| environment \| add \|/);
  });

  it('adds nothing when every list is empty, or without a selection', () => {
    const none = { notPlanned: [], added: [], deleted: [], unchanged: [] };
    expect(renderReport([], none)).toBe(renderReport([]));
  });
});
