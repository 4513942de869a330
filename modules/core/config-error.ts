/**
 * One thing wrong with one field of a configuration (an environment file or a construct's props).
 *
 * Its rendering, one line of a {@link ConfigError} message, reads
 * `<file>: <path> <message> (got <value>)`, for example
 * `prod/federation: maxSessionDurationHours must be a whole number of hours from 1 to 12 ... (got 24)`.
 */
export interface ConfigProblem {
  /** Where the value came from: an environment file (`environments/prod.ts`) or a construct path. */
  readonly file: string;
  /** Dotted field path, e.g. `identity.maxSessionDurationHours`. */
  readonly path: string;
  /**
   * The offending value as it was given (quoted, truncated to 80 characters, in the message);
   * `undefined` when a required value is missing.
   */
  readonly value: unknown;
  /** The rule and the fix: "must be ... . Do ...". */
  readonly message: string;
}

/**
 * The single error class for configuration problems; its message lists every problem, one a line.
 *
 * `loadEnvironment(s)` throws it, naming every problem of every environment file at once. The
 * constructs do not throw: they report the same problems through `node.addValidation`, which
 * `synthesizeApp` lists before anything is written.
 *
 * @example
 * ```ts
 * try {
 *   loadEnvironments(sources);
 * } catch (error) {
 *   if (error instanceof ConfigError) for (const p of error.problems) console.error(p.path, p.message);
 *   throw error;
 * }
 * ```
 */
export class ConfigError extends Error {
  /**
   * @param problems - Every problem found; the message lists them in this order, one a line.
   */
  constructor(
    /** Every problem found, in the order the message lists them. */
    readonly problems: readonly ConfigProblem[],
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

/** One line of a {@link ConfigError} message: `<file>: <path> <message> (got <value>)`. */
export function formatProblem(p: ConfigProblem): string {
  const got = p.value === undefined ? 'nothing' : truncate(JSON.stringify(p.value), 80);
  return `${p.file}: ${p.path || '(root)'} ${p.message} (got ${got})`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
