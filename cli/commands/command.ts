/** What a command needs from its surroundings (given, so tests can run it in-process). */
export interface CommandIo {
  readonly cwd: string;
}

/** What a command produced: written only when the whole run succeeded, each file atomically. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly files: readonly { readonly path: string; readonly content: string }[];
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The text of `--help`. */
  readonly help: string;
  run(argv: readonly string[], io: CommandIo): Promise<CommandResult>;
}
