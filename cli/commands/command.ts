import { type ParseArgsConfig, parseArgs } from 'node:util';
import { EXIT, UsageError } from '../errors';

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

/** A command's options, as `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The options and operands of one command line, typed from the command's options. */
export type ParsedCommandLine<O extends CommandOptions, P extends boolean> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: P }>
>;

export interface CommandDefinition<O extends CommandOptions, P extends boolean> {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The text of `-h` and `--help`, printed instead of running the command. */
  readonly help: string;
  /** The options the command takes; `-h` and `--help` are always there. */
  readonly options: O;
  /**
   * Whether the command takes operands (stack names).
   * @default false: an operand is a usage error
   */
  readonly positionals?: P;
  run(commandLine: ParsedCommandLine<O, P>, io: CommandIo): Promise<CommandResult>;
}

/**
 * A command from its options and what it does with them: `-h` or `--help` anywhere prints the help
 * and exits 0; an unknown, repeated or malformed option is a {@link UsageError} that points at the
 * help.
 */
export function defineCommand<O extends CommandOptions, P extends boolean = false>(
  definition: CommandDefinition<O, P>,
): Command {
  const { name, summary, help, options } = definition;
  return {
    name,
    summary,
    help,
    async run(argv, io) {
      if (argv.includes('-h') || argv.includes('--help')) return { code: EXIT.ok, stdout: help, files: [] };
      let commandLine: ParsedCommandLine<O, P>;
      try {
        const allowPositionals = (definition.positionals ?? false) as P;
        commandLine = parseArgs({ args: [...argv], options, allowPositionals });
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_'))
          throw new UsageError(`${(error as Error).message} (see ${name} --help)`);
        throw error;
      }
      return definition.run(commandLine, io);
    },
  };
}
