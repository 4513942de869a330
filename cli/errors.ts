/**
 * Exit codes: 0 done; 1 the access matrix found a case not decided as expected (access-report), or
 * terraform failed; 2 a {@link CliError} other than {@link TerraformFailedError}: nothing written.
 */
export const EXIT = { ok: 0, unexpectedAccess: 1, failed: 1, usage: 2 } as const;

/**
 * A problem the command line reports as one line, `ssm-federated-access <command>: <message>`,
 * without a stack trace, and exits with {@link CliError.exitCode}; nothing is written. Each kind of
 * problem is a subclass, so a caller can tell them apart.
 */
export class CliError extends Error {
  /** The exit code of the command that stops with this error. */
  readonly exitCode: number = EXIT.usage;

  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** An option missing, malformed, unknown, or given with one it excludes. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A file or folder an option names that cannot be read, or does not hold what the option expects
 * (a changed-stacks output, a deploy record, a matrix, run-shard results, an artifact).
 */
export class InputFileError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** A text that is not `terraform show -json` of a plan (format 1.x). */
export class InvalidPlanError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPlanError';
  }
}

/** No synthesized app where the command looks for one, or one whose manifest or stacks do not read. */
export class AppNotFoundError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'AppNotFoundError';
  }
}

/** The app does not synthesize: cdktf.json has no app command, or the app failed (its output is above). */
export class SynthesisFailedError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesisFailedError';
  }
}

/** A stack or shard named on the command line (or in a matrix) that the app does not have. */
export class UnknownStackError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownStackError';
  }
}

/** A synthesized stack without the one resource a lookup expects at a construct path. */
export class ResourceNotFoundError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceNotFoundError';
  }
}

/** This project's environment files cannot be loaded, or do not validate. */
export class EnvironmentConfigError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentConfigError';
  }
}

/** The access report was asked of stacks without the access constructs of ssm-federated-access. */
export class NoAccessMatrixError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'NoAccessMatrixError';
  }
}

/** The optional IAM evaluator that the access report needs is not installed. */
export class EvaluatorMissingError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluatorMissingError';
  }
}

/** Why a stack has no access matrix, in one line: which construct of ssm-federated-access it lacks. */
export class NoAccessModelError extends CliError {
  constructor(
    stack: string,
    readonly reason: string,
  ) {
    super(`${stack}: ${reason}`);
    this.name = 'NoAccessModelError';
  }
}

/**
 * A synthesized stack the review cannot read as its constructs wrote it: a resource, reference or
 * policy it expects is missing, or the review metadata comes from a newer ssm-federated-access.
 */
export class StackReadError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'StackReadError';
  }
}

/** The IAM evaluator rejected a case of the access matrix (a malformed request or policy). */
export class EvaluationError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}

/** GitHub's REST API cannot be used: no token or repository in the environment, or an error answer. */
export class GitHubApiError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

/** `terraform` cannot be run; the message says how to install it. */
export class TerraformMissingError extends CliError {
  constructor() {
    super(
      'terraform was not found on the PATH: install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install) and run again',
    );
    this.name = 'TerraformMissingError';
  }
}

/** A terraform command failed; the message has its output (credentials, state, a provider error). */
export class TerraformFailedError extends CliError {
  override readonly exitCode: number = EXIT.failed;

  constructor(dir: string, args: readonly string[], stderr: string, stdout: string) {
    super(`terraform ${args.join(' ')} failed in ${dir}:\n${stderr}\n${stdout}`);
    this.name = 'TerraformFailedError';
  }
}

/**
 * One stack's step in run-shard failed (a terraform command, a missing file, the OIDC token): the
 * stack is reported failed and the others go on, so the shard exits 1.
 */
export class StackStepError extends CliError {
  override readonly exitCode: number = EXIT.failed;

  constructor(message: string) {
    super(message);
    this.name = 'StackStepError';
  }
}
