import { sessionRules } from './rules';
import { SHARED_SESSION_USER } from './tag-names';

/**
 * Rules between settings, each written once for both entry points: the environment schema and the
 * constructs that apps use without it. A rule reads its settings in one shape and names fields the
 * way its caller does ({@link FieldNames}: `access.sshEnabled` in an environment file, `sshEnabled`
 * on `SessionAccessPolicyProps`), so the condition and the message exist once and each entry point
 * reports the problem against its own field. Each message is "<rule>. <fix>".
 */

/** What a caller calls each setting of a rule: its field path there. */
export type FieldNames<S> = { readonly [K in keyof S]-?: string };

/** A rule between settings: `test` is true when they agree; otherwise `field` is reported. */
export interface CombinationRule<S> {
  /** The setting the problem is reported against. */
  readonly field: keyof S & string;
  readonly test: (settings: S) => boolean;
  /** "<rule>. <fix>"; a function of the settings where it quotes another one's value. */
  readonly message: (settings: S) => string;
}

/** A broken rule, against the field as the caller names it. */
export interface CombinationProblem {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

/** The rules that `settings` break, each against its field as `names` calls it. */
export function checkCombinations<S>(
  settings: S,
  rules: readonly CombinationRule<S>[],
  names: FieldNames<S>,
): CombinationProblem[] {
  return rules
    .filter((rule) => !rule.test(settings))
    .map((rule) => ({ path: names[rule.field], value: settings[rule.field], message: rule.message(settings) }));
}

/** The session documents an access mode allows (`SessionAccessPolicyProps`, the environment's `access`). */
export interface SessionDocumentSettings {
  readonly accessMode: 'standing' | 'just-in-time';
  readonly sshEnabled: boolean;
  readonly portForwardingEnabled: boolean;
}

/**
 * No SSH or port forwarding with just-in-time access: AWS's token policy allows approved sessions
 * with `SSM-SessionManagerRunShell` only, and a `StartSession` of the people's own on the SSH or
 * port-forwarding document would not go through the approvals at all.
 */
export function justInTimeDocumentRules(
  names: FieldNames<SessionDocumentSettings>,
): CombinationRule<SessionDocumentSettings>[] {
  const offWithJustInTime = (field: 'sshEnabled' | 'portForwardingEnabled', what: string) => ({
    field,
    test: (s: SessionDocumentSettings) => s.accessMode !== 'just-in-time' || !s[field],
    message: () =>
      `must be false with ${names.accessMode} "just-in-time": approved sessions may use SSM-SessionManagerRunShell only, so ${what} is not available through approvals, and a StartSession on its document would bypass them. Set ${names[field]} to false, or ${names.accessMode} to "standing"`,
  });
  return [offWithJustInTime('sshEnabled', 'SSH'), offWithJustInTime('portForwardingEnabled', 'port forwarding')];
}

/** Run-as (`SessionPreferencesProps`, the environment's `runAs`). */
export interface RunAsSettings {
  readonly enabled: boolean;
  readonly defaultUser?: string;
  readonly allowSharedDefaultUser: boolean;
}

/**
 * A default OS user when run-as is on, and the shared `ssm-user` only with the explicit opt-in:
 * run-as exists so that sessions do not share one OS account.
 */
export function runAsRules(names: FieldNames<RunAsSettings>): CombinationRule<RunAsSettings>[] {
  return [
    {
      field: 'defaultUser',
      test: (s) => !s.enabled || s.defaultUser !== undefined,
      message: () =>
        'must name a default OS user when run-as is enabled (sessions of callers without an SSMSessionRunAs tag run as it). Set it, for example "ec2-user", or turn run-as off',
    },
    {
      field: 'enabled',
      test: (s) => s.allowSharedDefaultUser || s.enabled,
      message: () =>
        `must be true unless ${names.allowSharedDefaultUser} is true: without run-as every session runs as the shared ${SHARED_SESSION_USER}. Turn run-as on, or set ${names.allowSharedDefaultUser}: true to accept the shared user`,
    },
    {
      field: 'defaultUser',
      test: (s) => s.allowSharedDefaultUser || s.defaultUser !== SHARED_SESSION_USER,
      message: () =>
        `must not be the shared ${SHARED_SESSION_USER} unless ${names.allowSharedDefaultUser} is true: run-as exists so that sessions do not share it. Name an OS user of your own (for example "ec2-user"), or set ${names.allowSharedDefaultUser}: true`,
    },
  ];
}

/** Where transcripts go and how long they are kept (`SessionAuditLogsProps`, the environment's `logging`). */
export interface TranscriptSettings {
  readonly s3Enabled: boolean;
  readonly cloudWatchEnabled: boolean;
  /** The central bucket, when transcripts go to one elsewhere. */
  readonly centralBucket?: unknown;
  /** The Object Lock settings, when any. */
  readonly objectLock?: unknown;
  readonly objectLockDays?: number;
  readonly archiveAfterDays: number;
  readonly expirationDays: number;
}

/** Sessions transcribed somewhere, Object Lock only where it applies, and lifecycle days in order. */
export function transcriptRules(names: FieldNames<TranscriptSettings>): CombinationRule<TranscriptSettings>[] {
  return [
    {
      field: 's3Enabled',
      test: (s) => s.s3Enabled || s.cloudWatchEnabled,
      message: () =>
        `must be true when ${names.cloudWatchEnabled} is false: sessions would not be transcribed anywhere. Turn on S3 or CloudWatch logging`,
    },
    {
      field: 'centralBucket',
      test: (s) => s.centralBucket === undefined || s.s3Enabled,
      message: () => `must not be set when ${names.s3Enabled} is false. Remove it or turn S3 logging on`,
    },
    {
      field: 'objectLock',
      test: (s) => s.objectLock === undefined || (s.centralBucket === undefined && s.s3Enabled),
      message: () =>
        'applies only to a transcript bucket created here, not to a central bucket or with S3 logging off. Configure Object Lock on the central bucket instead',
    },
    {
      field: 'objectLockDays',
      test: (s) => s.objectLockDays === undefined || s.objectLockDays <= s.expirationDays,
      message: (s) =>
        `must be at most ${names.expirationDays} (${s.expirationDays}), or the lifecycle expiry would be held up by the lock. Shorten the lock or keep transcripts longer`,
    },
    {
      field: 'archiveAfterDays',
      // Only between valid values: an invalid one is reported on its own.
      test: (s) =>
        !sessionRules.lifecycleDays.test(s.archiveAfterDays) ||
        !sessionRules.transcriptExpirationDays.test(s.expirationDays) ||
        s.archiveAfterDays < s.expirationDays,
      message: (s) =>
        `must be less than ${names.expirationDays} (${s.expirationDays}). Archive earlier or keep transcripts longer`,
    },
  ];
}
