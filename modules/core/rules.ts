import { type ConfigProblem, ConfigError } from './config-error';

/**
 * Validation rules shared by the environment schema and the constructs' constructors, so that a
 * value is judged the same way whether it comes from an environment file or from a consumer's app.
 * Each message is "<rule>. <fix>".
 */
export interface Rule<T> {
  readonly test: (value: T) => boolean;
  readonly message: string;
}

/** AWS commercial-partition regions. */
export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

const regions: ReadonlySet<string> = new Set(AWS_REGIONS);

export const rules = {
  accountId: {
    test: (v: string) => /^\d{12}$/.test(v),
    message: 'must be a 12-digit AWS account id written as a string, e.g. "123456789012" (keep leading zeros)',
  },
  region: {
    test: (v: string) => regions.has(v),
    message: 'must be an AWS region name such as "eu-west-1". Use a region of the aws partition',
  },
  iamRoleName: {
    test: (v: string) => /^[\w+=,.@-]{1,64}$/.test(v),
    message:
      'must be a valid IAM role name (1-64 characters: letters, digits and +=,.@_-). Shorten it or remove the other characters',
  },
  samlProviderName: {
    test: (v: string) => /^[\w._-]{1,128}$/.test(v),
    message:
      'must be a valid IAM SAML provider name (1-128 characters: letters, digits and ._-). Shorten it or remove the other characters',
  },
  sessionDurationHours: {
    test: (v: number) => Number.isInteger(v) && v >= 1 && v <= 12,
    message: 'must be a whole number of hours from 1 to 12 (IAM allows 1-12 hours). Pick a value in that range',
  },
  /** Linux user names as useradd accepts them by default (NAME_REGEX), never root. */
  linuxUserName: {
    test: (v: string) => /^[a-z_][a-z0-9_-]{0,31}$/.test(v) && v !== 'root',
    message:
      'must be a Linux user name other than root (a lower-case letter or _ first, then a-z, 0-9, _ or -, at most 32 characters). Use the unprivileged OS user that sessions should run as',
  },
  tagKey: {
    test: (v: string) => /^[\w.:/=+@ -]{1,128}$/.test(v) && !v.startsWith('aws:'),
    message:
      'must be a valid AWS tag key (1-128 characters: letters, digits, spaces and _.:/=+-@, not starting with aws:)',
  },
  tagValue: {
    test: (v: string) => /^[\w.:/=+@ -]{0,256}$/.test(v),
    message: 'must be a valid AWS tag value (0-256 characters: letters, digits, spaces and _.:/=+-@)',
  },
} satisfies Record<string, Rule<string> | Rule<number>>;

/** A prop to check: its name, its value and the rule. */
export type PropCheck = readonly [path: string, value: unknown, rule: Rule<never>];

/**
 * Checks construct props before anything is created, and throws one ConfigError naming every
 * prop that breaks its rule. `where` is the construct's path, so the message says which one.
 */
export function validateProps(where: string, checks: readonly PropCheck[]): void {
  const problems: ConfigProblem[] = [];
  for (const [path, value, rule] of checks) {
    if (value === undefined) continue;
    if (!(rule as Rule<unknown>).test(value)) problems.push({ file: where, path, value, message: rule.message });
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
