/** One thing wrong with one field of a configuration (an environment file or a construct's props). */
export interface ConfigProblem {
  /** Where the value came from: an environment file (`environments/prod.ts`) or a construct path. */
  readonly file: string;
  /** Dotted field path, e.g. `identity.maxSessionDurationHours`. */
  readonly path: string;
  readonly value: unknown;
  /** The rule and the fix: "must be ... . Do ...". */
  readonly message: string;
}

/** The single error class for configuration problems; its message lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  const got = p.value === undefined ? 'nothing' : truncate(JSON.stringify(p.value), 80);
  return `${p.file}: ${p.path || '(root)'} ${p.message} (got ${got})`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
