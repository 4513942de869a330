import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import type { ConfiguredPolicy } from './policy-diff';
import { type ResourceChange, isDestroy } from './terraform-plan';

/**
 * The audit settings a plan changes, setting by setting: the Session Manager preferences
 * (run-as, where transcripts go and whether they are encrypted, timeouts, shell profiles), how long
 * CloudWatch Logs keeps log groups, and how long the buckets' lifecycle keeps objects. A change
 * that weakens the audit (run-as off, logging off, encryption removed, retention shortened) is a
 * danger, said as loudly as a destroyed bucket.
 */

/** The one preferences document Session Manager reads in a region. */
const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

export interface SettingChange {
  /** The setting, e.g. `runAsEnabled` or `rule archive-then-expire: expiration days`. */
  readonly setting: string;
  /** The value before the plan, as JSON text; absent where the resource or the setting is new. */
  readonly before?: string;
  /** The value after the plan, as JSON text; absent where the setting is removed. */
  readonly after?: string;
  /** Why this change weakens the audit, when it does. */
  readonly danger?: string;
}

export interface SettingsChange {
  readonly address: string;
  /** What the resource is, e.g. "Session Manager preferences". */
  readonly label: string;
  readonly settings: readonly SettingChange[];
  /**
   * The new value is only known after apply (it refers to a resource not created yet) and was read
   * from the configuration, references such as `${aws_kms_key.<id>.arn}` left in place.
   */
  readonly afterAsConfigured?: boolean;
}

type Values = Readonly<Record<string, unknown>>;

const show = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

/** A Session Manager boolean input, which older documents (and the console's trap) write as a string. */
function isOn(value: unknown): boolean {
  return value === true || value === 'true';
}

function isSet(value: unknown): boolean {
  return typeof value === 'string' ? value !== '' : value !== undefined && value !== null;
}

/** Why a change of one preferences input weakens the audit, or undefined. */
function preferencesDanger(input: string, before: unknown, after: unknown): string | undefined {
  switch (input) {
    case 'runAsEnabled':
      return isOn(before) && !isOn(after)
        ? 'run-as turned off: sessions run as the shared default user, not as each person'
        : undefined;
    case 's3BucketName':
      return isSet(before) && !isSet(after) ? 'S3 transcript logging turned off' : undefined;
    case 'cloudWatchLogGroupName':
      return isSet(before) && !isSet(after) ? 'CloudWatch Logs transcript logging turned off' : undefined;
    case 's3EncryptionEnabled':
    case 'cloudWatchEncryptionEnabled':
      return isOn(before) && !isOn(after)
        ? `encryption removed: sessions no longer require an encrypted ${input.startsWith('s3') ? 'bucket' : 'log group'}`
        : undefined;
    case 'kmsKeyId':
      return isSet(before) && !isSet(after) ? 'encryption removed: session data is no longer KMS-encrypted' : undefined;
    default:
      return undefined;
  }
}

/** The `inputs` of a preferences document's content (JSON text), or undefined when it is not JSON. */
function preferencesInputs(content: unknown): Values | undefined {
  if (typeof content !== 'string' || content === '') return undefined;
  try {
    const parsed = JSON.parse(content) as { inputs?: Values };
    return parsed.inputs ?? {};
  } catch {
    return undefined;
  }
}

/** Flattens nested inputs (`shellProfile`) into `shellProfile.linux` and so on. */
function flatten(values: Values, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(values)) {
    if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of flatten(value as Values, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, value);
  }
  return out;
}

function compare(
  before: ReadonlyMap<string, unknown>,
  after: ReadonlyMap<string, unknown>,
  danger: (setting: string, before: unknown, after: unknown) => string | undefined,
): SettingChange[] {
  const settings = [...new Set([...before.keys(), ...after.keys()])];
  const changes: SettingChange[] = [];
  for (const setting of settings) {
    const was = before.get(setting);
    const is = after.get(setting);
    if (show(was) === show(is)) continue;
    const why = danger(setting, was, is);
    changes.push({
      setting,
      ...(was === undefined ? {} : { before: show(was) }),
      ...(is === undefined ? {} : { after: show(is) }),
      ...(why ? { danger: why } : {}),
    });
  }
  return changes;
}

function preferencesChange(rc: ResourceChange, configured?: ConfiguredPolicy): SettingsChange | undefined {
  const { before, after, after_unknown: unknown } = rc.change;
  const name = after?.name ?? before?.name;
  if (name !== PREFERENCES_DOCUMENT) return undefined;
  const fromConfiguration = unknown?.content === true ? configured?.(rc, 'content') : undefined;
  const afterContent =
    fromConfiguration !== undefined ? unescapeTerraformTemplate(fromConfiguration) : (after?.content as unknown);
  const label = 'Session Manager preferences';
  if (unknown?.content === true && fromConfiguration === undefined)
    return { address: rc.address, label, settings: [{ setting: 'content', after: '(known only after apply)' }] };
  const old = before ? preferencesInputs(before.content) : {};
  const now = preferencesInputs(afterContent);
  if (!old || !now) {
    const which = !old ? 'deployed' : 'planned';
    return {
      address: rc.address,
      label,
      settings: [{ setting: 'content', after: `(the ${which} document is not JSON; compare it by hand)` }],
    };
  }
  const settings = compare(flatten(old), flatten(now), preferencesDanger);
  return settings.length > 0
    ? { address: rc.address, label, settings, ...(fromConfiguration !== undefined ? { afterAsConfigured: true } : {}) }
    : undefined;
}

/** CloudWatch Logs keeps events forever with retention 0 (or none). */
function retentionDays(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** Whether a retention of `after` days keeps less than one of `before` days (0 is forever). */
function shortened(before: unknown, after: unknown): boolean {
  const was = retentionDays(before);
  const is = retentionDays(after);
  return is > 0 && (was === 0 || is < was);
}

function logGroupChange(rc: ResourceChange): SettingsChange | undefined {
  const { before, after } = rc.change;
  const was = before?.retention_in_days;
  const is = after?.retention_in_days;
  if (before && retentionDays(was) === retentionDays(is)) return undefined;
  const name = String(after?.name ?? before?.name ?? rc.address);
  return {
    address: rc.address,
    label: `log group \`${name}\``,
    settings: [
      {
        setting: 'retention_in_days',
        ...(before ? { before: show(retentionDays(was)) } : {}),
        after: show(retentionDays(is)),
        ...(before && shortened(was, is)
          ? { danger: `retention shortened: CloudWatch Logs deletes events after ${retentionDays(is)} days` }
          : {}),
      },
    ],
  };
}

type Block = Readonly<Record<string, unknown>>;
const blocks = (value: unknown): Block[] => (Array.isArray(value) ? (value as Block[]) : []);

/** The day counts of a lifecycle configuration's rules, by rule id. */
function lifecycleDays(values: Values | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  blocks(values?.rule).forEach((rule, i) => {
    const id = typeof rule.id === 'string' && rule.id !== '' ? rule.id : `#${i + 1}`;
    const at = (what: string, days: unknown) => {
      if (typeof days === 'number' && days > 0) out.set(`rule ${id}: ${what}`, days);
    };
    if (rule.status === 'Disabled') return;
    for (const e of blocks(rule.expiration)) at('expiration days', e.days);
    for (const t of blocks(rule.transition)) at(`transition to ${String(t.storage_class)} days`, t.days);
    for (const n of blocks(rule.noncurrent_version_expiration))
      at('noncurrent version expiration days', n.noncurrent_days);
  });
  return out;
}

function lifecycleDanger(setting: string, before: unknown, after: unknown): string | undefined {
  if (!/expiration days$/.test(setting) || typeof before !== 'number') return undefined;
  return typeof after === 'number' && after < before
    ? `retention shortened: objects are deleted after ${after} days instead of ${before}`
    : undefined;
}

function lifecycleChange(rc: ResourceChange, configured?: ConfiguredPolicy): SettingsChange | undefined {
  const { before, after } = rc.change;
  const settings = compare(before ? lifecycleDays(before) : new Map(), lifecycleDays(after), lifecycleDanger);
  if (settings.length === 0) return undefined;
  // A bucket created by the same plan is known only after apply: its reference names it instead.
  const bucket = after?.bucket ?? before?.bucket ?? configured?.(rc, 'bucket');
  return {
    address: rc.address,
    label: typeof bucket === 'string' && bucket !== '' ? `lifecycle of bucket \`${bucket}\`` : 'bucket lifecycle',
    settings,
  };
}

/** The audit settings one planned resource changes; none for a resource the plan destroys (a danger already). */
export function settingsChanges(rc: ResourceChange, configured?: ConfiguredPolicy): SettingsChange[] {
  if (isDestroy(rc) || !rc.change.after || rc.change.actions.every((a) => a === 'no-op' || a === 'read')) return [];
  const change =
    rc.type === 'aws_ssm_document'
      ? preferencesChange(rc, configured)
      : rc.type === 'aws_cloudwatch_log_group'
        ? logGroupChange(rc)
        : rc.type === 'aws_s3_bucket_lifecycle_configuration'
          ? lifecycleChange(rc, configured)
          : undefined;
  return change ? [change] : [];
}

/** The changes that weaken the audit, each with its resource. */
export function weakenedSettings(
  changes: readonly SettingsChange[],
): { address: string; label: string; change: SettingChange }[] {
  return changes.flatMap((c) =>
    c.settings.filter((s) => s.danger).map((change) => ({ address: c.address, label: c.label, change })),
  );
}
