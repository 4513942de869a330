#!/usr/bin/env node
/**
 * `ssm-federated-access`: the pull-request review of any CDKTF app that uses these constructs.
 * Each command returns its output; it is written only when the whole run succeeded, each file
 * atomically, so a failed run leaves nothing half-written.
 */
import { resolve } from 'node:path';
import { accessReport } from './commands/access-report';
import { changedStacks } from './commands/changed-stacks';
import type { Command, CommandIo } from './commands/command';
import { deployRecord } from './commands/deploy-record';
import { environments } from './commands/environments';
import { driftReport } from './commands/drift-report';
import { planReport } from './commands/plan-report';
import { runShard } from './commands/run-shard';
import { CliError, EXIT } from './errors';
import { writeFileAtomic } from './write-file';

export const COMMANDS: readonly Command[] = [
  planReport,
  accessReport,
  environments,
  changedStacks,
  runShard,
  deployRecord,
  driftReport,
];

export const MAIN_HELP = `Usage: ssm-federated-access <command> [options]

Pull-request review for CDKTF apps that use the ssm-federated-access constructs.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`).join('\n')}

Run "ssm-federated-access <command> --help" for a command's options.
`;

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo & Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(MAIN_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`ssm-federated-access: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return EXIT.usage;
  }
  try {
    const result = await command.run(rest, io);
    for (const file of result.files) writeFileAtomic(resolve(io.cwd, file.path), file.content);
    if (result.stdout) io.stdout(result.stdout);
    return result.code;
  } catch (error) {
    // What the user must fix is in the message; a stack trace is kept for what is not a CliError (a bug).
    if (!(error instanceof CliError)) throw error;
    io.stderr(`ssm-federated-access ${name}: ${error.message.trimEnd()}\n`);
    return error.exitCode;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
