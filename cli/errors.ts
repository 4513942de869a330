/**
 * A problem with what the command was given (an option, a stack name, a missing app or tool, a
 * plan that does not parse): printed as one line, exit code 2, nothing written.
 */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Exit codes: 0 done; 1 the access matrix found a case not decided as expected (access-report), or
 * terraform failed; 2 a {@link CliError}.
 */
export const EXIT = { ok: 0, unexpectedAccess: 1, failed: 1, usage: 2 } as const;
