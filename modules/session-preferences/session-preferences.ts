import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Construct } from 'constructs';
import { describeForReview } from '../core/review-metadata';
import type { ConfigProblem } from '../core/config-error';
import { escapeTerraformTemplate } from '../core/policy-document';
import { propProblems, rules, sessionRules } from '../core/rules';
import { reportProblems } from '../core/validation';
import { type FieldNames, type RunAsSettings, checkCombinations, runAsRules } from '../core/combination-rules';
import type { SessionLogDestination } from '../core/session-log-destination';

/**
 * The document Session Manager reads its regional preferences from. Sessions started without
 * `--document-name`, console sessions included, use it.
 */
export const SESSION_PREFERENCES_DOCUMENT_NAME = 'SSM-SessionManagerRunShell';

/**
 * The `inputs` of a `Standard_Stream` Session document (schema 1.0), typed as the schema wants
 * them: booleans are JSON booleans (string booleans make the console's preferences editor hang),
 * and the two durations are strings of minutes.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export interface SessionPreferencesInputs {
  /** Bucket transcripts are uploaded to when a session ends; `""` when S3 logging is off. */
  readonly s3BucketName: string;
  /** Key prefix of the transcripts in `s3BucketName`; `""` without a bucket. */
  readonly s3KeyPrefix: string;
  /** Always true: a session does not start unless the transcript bucket is encrypted. */
  readonly s3EncryptionEnabled: boolean;
  /** Log group transcripts go to; `""` when CloudWatch logging is off. */
  readonly cloudWatchLogGroupName: string;
  /** Always true: a session does not start unless the log group is encrypted. */
  readonly cloudWatchEncryptionEnabled: boolean;
  /** Stream output to the log group as it happens (true) or send it when the session ends (false). */
  readonly cloudWatchStreamingEnabled: boolean;
  /** KMS key (ARN) that encrypts the session data between client and instance. */
  readonly kmsKeyId: string;
  /** Run each session as the OS user in the caller's `SSMSessionRunAs` tag instead of `ssm-user`. */
  readonly runAsEnabled: boolean;
  /** OS user for callers without an `SSMSessionRunAs` tag; `""` when run-as is off. */
  readonly runAsDefaultUser: string;
  /** Minutes, 1-60, as a string. */
  readonly idleSessionTimeout: string;
  /** Minutes, 1-1440, as a string. */
  readonly maxSessionDuration: string;
  /** Commands run at the start of every session, per operating system; `""` for none. */
  readonly shellProfile: {
    /** Commands run at the start of every Linux and macOS session. */
    readonly linux: string;
    /** Commands run at the start of every Windows session. */
    readonly windows: string;
  };
}

/**
 * The whole Session document, as {@link SessionPreferences.content} exposes it.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export interface SessionPreferencesContent {
  /** Session documents support schema version 1.0 only. */
  readonly schemaVersion: '1.0';
  /** Shown in the Systems Manager console. */
  readonly description: string;
  /** `Standard_Stream`: the type a preferences document must have. */
  readonly sessionType: 'Standard_Stream';
  /** The preferences themselves. */
  readonly inputs: SessionPreferencesInputs;
}

/**
 * Properties of a {@link SessionPreferences}.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-configure-preferences.html
 */
export interface SessionPreferencesProps {
  /** The region's provider; the document is regional. */
  readonly provider: AwsProvider;
  /**
   * Where transcripts go and the key that encrypts sessions (usually `SessionAuditLogs.destination`).
   * It must name an S3 bucket or a log group, and a KMS key.
   *
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html
   */
  readonly destination: SessionLogDestination;
  /**
   * Stream session output to CloudWatch Logs as it happens, instead of uploading it when the
   * session ends (so a session that is cut off still leaves its transcript). Applies only when
   * `destination` names a log group.
   *
   * @default true
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html
   */
  readonly cloudWatchStreamingEnabled?: boolean;
  /**
   * Minutes without activity before a session ends (1-60).
   *
   * @default 20
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-timeout.html
   */
  readonly idleSessionTimeoutMinutes?: number;
  /**
   * Longest a session may last, in minutes (1-1440).
   *
   * @default 60
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-max-timeout.html
   */
  readonly maxSessionDurationMinutes?: number;
  /**
   * Run each session as the OS user named by the caller's `SSMSessionRunAs` tag instead of the
   * shared `ssm-user`. That user must exist on the instance: there is no fallback.
   *
   * @default true
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
   */
  readonly runAsEnabled?: boolean;
  /**
   * OS user for callers without an `SSMSessionRunAs` tag; required when run-as is on. A valid
   * Linux user name, never root.
   *
   * @default - none (an error when `runAsEnabled` is true)
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
   */
  readonly runAsDefaultUser?: string;
  /**
   * Allow sessions to run as the shared `ssm-user`, the account run-as exists to avoid (every
   * person's commands would run, and be logged on the instance, as one user). Sessions run as it
   * when run-as is off, or when it is the run-as default user. Off, both are errors: with run-as on,
   * a default user of your own and the `SSMSessionRunAs` tag required at sign-in
   * (`SamlFederationProps.requireRunAsTag`), no session runs as `ssm-user`.
   *
   * @default false
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-ssm-user-permissions.html
   */
  readonly allowSharedDefaultUser?: boolean;
  /**
   * Commands run at the start of every Linux/macOS session (shell, environment, working directory).
   *
   * @default - none: the agent's default shell
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-shell-config.html
   */
  readonly shellProfileLinux?: string;
  /**
   * Commands run at the start of every Windows session.
   *
   * @default - none: the agent's default shell
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-shell-config.html
   */
  readonly shellProfileWindows?: string;
  /**
   * Adopt an `SSM-SessionManagerRunShell` document that already exists in the region (the console
   * creates one the first time someone opens the preferences page) with a Terraform import block,
   * instead of creating it, which fails with `DocumentAlreadyExists` there. An import of a
   * document that does not exist fails, and the import needs AWS at plan time.
   *
   * @default false
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-default-session-document.html
   */
  readonly adoptExistingDocument?: boolean;
}

/** The defaults of `SessionPreferencesProps`. */
export const SESSION_PREFERENCES_DEFAULTS = {
  cloudWatchStreamingEnabled: true,
  idleSessionTimeoutMinutes: 20,
  maxSessionDurationMinutes: 60,
  runAsEnabled: true,
  adoptExistingDocument: false,
} as const;

/**
 * Session Manager preferences for one region: the `SSM-SessionManagerRunShell` Session document,
 * with transcripts to S3 and/or CloudWatch Logs, both required to be encrypted, session data
 * encrypted with the KMS key, run-as, timeouts and shell profiles.
 *
 * A region has one such document: every shell session there, console sessions included, uses it.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-configure-preferences.html
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-preferences-cli.html
 */
export class SessionPreferences extends Construct {
  /** The raw resource (escape hatch). */
  readonly document: SsmDocument;
  /** The document name (a Terraform reference to the resource's name). */
  readonly documentName: string;
  /** The document content, as data. */
  readonly content: SessionPreferencesContent;

  constructor(scope: Construct, id: string, props: SessionPreferencesProps) {
    super(scope, id);
    const where = this.node.path;
    reportProblems(this, [
      ...propProblems(where, [
        ['idleSessionTimeoutMinutes', props.idleSessionTimeoutMinutes, sessionRules.idleSessionTimeoutMinutes],
        ['maxSessionDurationMinutes', props.maxSessionDurationMinutes, sessionRules.maxSessionDurationMinutes],
        ['runAsDefaultUser', props.runAsDefaultUser, rules.linuxUserName],
        ['destination.s3KeyPrefix', props.destination.s3KeyPrefix, sessionRules.s3KeyPrefix],
        ['destination.logGroupName', props.destination.logGroupName, sessionRules.logGroupName],
      ]),
      ...combinationProblems(where, props),
    ]);

    this.content = sessionPreferencesContent(props);
    this.document = new SsmDocument(this, 'document', {
      provider: props.provider,
      name: SESSION_PREFERENCES_DOCUMENT_NAME,
      documentType: 'Session',
      documentFormat: 'JSON',
      // Shell profiles may hold `${VAR}`; Terraform must read them verbatim. Key references still resolve.
      content: escapeTerraformTemplate(JSON.stringify(this.content)),
    });
    if (props.adoptExistingDocument ?? SESSION_PREFERENCES_DEFAULTS.adoptExistingDocument) {
      this.document.importFrom(SESSION_PREFERENCES_DOCUMENT_NAME, props.provider);
    }
    describeForReview(this.document, {
      part: 'session-preferences',
      region: props.destination.region,
      runAsEnabled: this.content.inputs.runAsEnabled,
      runAsDefaultUser: this.content.inputs.runAsDefaultUser,
    });
    this.documentName = this.document.name;
  }
}

/** Builds the document content from the props (defaults applied). */
export function sessionPreferencesContent(props: SessionPreferencesProps): SessionPreferencesContent {
  const d = props.destination;
  const runAsEnabled = props.runAsEnabled ?? SESSION_PREFERENCES_DEFAULTS.runAsEnabled;
  const cloudWatch = d.logGroupName !== undefined;
  return {
    schemaVersion: '1.0',
    description: 'Session Manager preferences: encrypted, transcribed sessions, each run as its own OS user',
    sessionType: 'Standard_Stream',
    inputs: {
      s3BucketName: d.s3BucketName ?? '',
      s3KeyPrefix: d.s3BucketName === undefined ? '' : (d.s3KeyPrefix ?? ''),
      // Sessions refuse to start unless the destinations are encrypted.
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: d.logGroupName ?? '',
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled:
        cloudWatch && (props.cloudWatchStreamingEnabled ?? SESSION_PREFERENCES_DEFAULTS.cloudWatchStreamingEnabled),
      kmsKeyId: d.kmsKeyArn ?? '',
      runAsEnabled,
      runAsDefaultUser: runAsEnabled ? (props.runAsDefaultUser ?? '') : '',
      idleSessionTimeout: String(
        props.idleSessionTimeoutMinutes ?? SESSION_PREFERENCES_DEFAULTS.idleSessionTimeoutMinutes,
      ),
      maxSessionDuration: String(
        props.maxSessionDurationMinutes ?? SESSION_PREFERENCES_DEFAULTS.maxSessionDurationMinutes,
      ),
      shellProfile: { linux: props.shellProfileLinux ?? '', windows: props.shellProfileWindows ?? '' },
    },
  };
}

/** The props' names for the run-as rules the environment schema shares. */
const RUN_AS_FIELDS: FieldNames<RunAsSettings> = {
  enabled: 'runAsEnabled',
  defaultUser: 'runAsDefaultUser',
  allowSharedDefaultUser: 'allowSharedDefaultUser',
};

function combinationProblems(where: string, props: SessionPreferencesProps): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const d = props.destination;
  if (d.s3BucketName === undefined && d.logGroupName === undefined) {
    problems.push({
      file: where,
      path: 'destination',
      value: d,
      message:
        'must name an S3 bucket or a CloudWatch log group: sessions would not be transcribed. Pass SessionAuditLogs.destination',
    });
  }
  if (d.kmsKeyArn === undefined || d.kmsKeyArn === '') {
    problems.push({
      file: where,
      path: 'destination.kmsKeyArn',
      value: d.kmsKeyArn,
      message: 'must name the KMS key that encrypts session data. Pass SessionAuditLogs.destination',
    });
  }
  const runAs: RunAsSettings = {
    enabled: props.runAsEnabled ?? SESSION_PREFERENCES_DEFAULTS.runAsEnabled,
    defaultUser: props.runAsDefaultUser,
    allowSharedDefaultUser: props.allowSharedDefaultUser ?? false,
  };
  for (const p of checkCombinations(runAs, runAsRules(RUN_AS_FIELDS), RUN_AS_FIELDS))
    problems.push({ file: where, ...p });
  return problems;
}
