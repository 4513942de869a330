import type { App } from 'cdktf';
import type { IConstruct } from 'constructs';
import { type ConfigProblem, formatProblem } from './config-error';

/**
 * How the constructs of this package report bad props: the way the CDK toolkit expects, through
 * `node.addValidation`. A constructor checks its props first and registers every problem it finds;
 * the synth then lists the problems of every construct at once, before anything is written, instead
 * of stopping at the first constructor that throws.
 */

/** Registers the problems of one construct's props (nothing when there are none). */
export function reportProblems(scope: IConstruct, problems: readonly ConfigProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map(formatProblem);
  scope.node.addValidation({ validate: () => lines });
}

/**
 * Every validation message of every construct under `scope` (the scope included), in construct
 * order: the problems this package's constructs reported, and those of cdktf and other libraries.
 */
export function validationProblems(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((construct) => construct.node.validate());
}

/** Options of {@link synthesizeApp}. */
export interface SynthesizeAppOptions {
  /**
   * Where the problems are written.
   *
   * @default - the process's standard error
   */
  readonly stderr?: (text: string) => void;
  /**
   * Whether a failure sets `process.exitCode` to 1, so that `cdktf synth` stops.
   *
   * @default true
   */
  readonly setExitCode?: boolean;
}

/**
 * Synthesizes the app unless a construct reported a problem. Use it instead of `app.synth()`:
 * it validates every construct of every stack first and, when any problem is found, writes each
 * problem once, on one line, with no stack trace, sets `process.exitCode` to 1 and writes nothing
 * (`app.synth()` would write the stacks it validated before the first bad one, then throw).
 *
 * @param app - The app, with every stack built.
 * @returns true when the app was synthesized, false when problems were reported instead.
 *
 * @example
 * ```ts
 * const app = new App();
 * new MyStack(app, 'payments-prod');
 * synthesizeApp(app);
 * ```
 */
export function synthesizeApp(app: App, options: SynthesizeAppOptions = {}): boolean {
  const problems = validationProblems(app);
  if (problems.length > 0) {
    const write = options.stderr ?? ((text: string) => process.stderr.write(text));
    write(`Invalid configuration, nothing synthesized:\n${problems.join('\n')}\n`);
    if (options.setExitCode ?? true) process.exitCode = 1;
    return false;
  }
  app.synth();
  return true;
}
