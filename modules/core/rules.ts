import type { ConfigProblem } from './config-error';

/**
 * Validation rules shared by the environment schema and the constructs' constructors, so that a
 * value is judged the same way whether it comes from an environment file or from a consumer's app.
 * Each message is "<rule>. <fix>".
 */
export interface Rule<T> {
  readonly test: (value: T) => boolean;
  readonly message: string;
}

/**
 * AWS commercial-partition regions: the values a construct's `region` prop accepts.
 *
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
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

/** The name of an AWS commercial-partition region, e.g. `"eu-west-1"`; one of {@link AWS_REGIONS}. */
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
  /**
   * Tag keys the access rules compare: principal (session) tags and the instance tags they must
   * equal. AWS tag keys may hold spaces, but these keys become part of IAM condition keys
   * (`aws:ResourceTag/<key>`, `${aws:PrincipalTag/<key>}`) and of the SAML attribute name the IdP
   * sends (`https://aws.amazon.com/SAML/Attributes/PrincipalTag:<key>`, a URI, which cannot hold one).
   */
  accessTagKey: {
    test: (v: string) => /^[\w.:/=+@-]{1,128}$/.test(v) && !v.toLowerCase().startsWith('aws:'),
    message:
      'must be a tag key without spaces (1-128 characters: letters, digits and _.:/=+-@, not starting with aws:): it is written into IAM condition keys and the SAML PrincipalTag attribute name, a URI that cannot hold a space. Use for example AppId or app-id',
  },
  tagValue: {
    test: (v: string) => /^[\w.:/=+@ -]{0,256}$/.test(v),
    message: 'must be a valid AWS tag value (0-256 characters: letters, digits, spaces and _.:/=+-@)',
  },
} satisfies Record<string, Rule<string> | Rule<number>>;

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const CLOUDWATCH_LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Audit logs are kept at least a year. */
export const MIN_AUDIT_RETENTION_DAYS = 365;

const wholeNumberFrom = (min: number, max: number) => (v: number) => Number.isInteger(v) && v >= min && v <= max;
const awsId = (prefix: string) => (v: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(v);

function isIpv4Cidr(v: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return false;
  // The network address itself, as VPC CIDR blocks are written (10.0.0.0/16, not 10.0.1.7/16).
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return address % 2 ** (32 - bits) === 0;
}

/**
 * Bucket name prefixes and suffixes S3 reserves (access point aliases, Object Lambda, Multi-Region
 * Access Points, directory and table buckets, and documentation examples).
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const S3_RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
export const S3_RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

/**
 * Rules for Session Manager preferences and audit logging (session-preferences, session-audit-logs,
 * vpc-endpoints), shared by the environment schema and the constructs.
 */
export const sessionRules = {
  idleSessionTimeoutMinutes: {
    test: wholeNumberFrom(1, 60),
    message: 'must be a whole number of minutes from 1 to 60 (Session Manager allows 1-60). Pick a value in that range',
  },
  maxSessionDurationMinutes: {
    test: wholeNumberFrom(1, 1440),
    message:
      'must be a whole number of minutes from 1 to 1,440 (Session Manager allows 1-1440, 24 hours). Pick a value in that range',
  },
  logRetentionDays: {
    test: (v: number) =>
      (CLOUDWATCH_LOG_RETENTION_DAYS as readonly number[]).includes(v) && v >= MIN_AUDIT_RETENTION_DAYS,
    message: `must be a retention period CloudWatch Logs accepts and at least ${MIN_AUDIT_RETENTION_DAYS} days, so session logs are kept a year. Use one of ${CLOUDWATCH_LOG_RETENTION_DAYS.filter((d) => d >= MIN_AUDIT_RETENTION_DAYS).join(', ')}`,
  },
  transcriptExpirationDays: {
    test: wholeNumberFrom(MIN_AUDIT_RETENTION_DAYS, 36_500),
    message: `must be a whole number of days from ${MIN_AUDIT_RETENTION_DAYS} to 36,500, so transcripts are kept at least a year. Pick a value in that range`,
  },
  lifecycleDays: {
    test: wholeNumberFrom(1, 36_500),
    message: 'must be a whole number of days from 1 to 36,500. Pick a value in that range',
  },
  objectLockMode: {
    test: (v: string) => v === 'GOVERNANCE' || v === 'COMPLIANCE',
    message:
      'must be "GOVERNANCE" (privileged users may shorten or remove a retention) or "COMPLIANCE" (nobody can, not even the root user). Pick one',
  },
  s3BucketName: {
    test: (v: string) =>
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) &&
      !/\.\.|\.-|-\./.test(v) &&
      !/^\d+\.\d+\.\d+\.\d+$/.test(v) &&
      !S3_RESERVED_BUCKET_PREFIXES.some((prefix) => v.startsWith(prefix)) &&
      !S3_RESERVED_BUCKET_SUFFIXES.some((suffix) => v.endsWith(suffix)),
    message: `must be an S3 bucket name: 3-63 characters of a-z, 0-9, . and -, starting and ending with a letter or digit, without "..", ".-" or "-.", not an IP address, not starting with ${S3_RESERVED_BUCKET_PREFIXES.join(', ')} and not ending with ${S3_RESERVED_BUCKET_SUFFIXES.join(', ')} (S3 reserves them). Shorten or fix the name`,
  },
  s3KeyPrefix: {
    test: (v: string) => v.length <= 256 && /^[\w!.*'()-]+(\/[\w!.*'()-]+)*$/.test(v),
    message:
      "must be an S3 key prefix of letters, digits and !_.*'()- in segments joined by /, with no leading or trailing slash, at most 256 characters. Fix the prefix",
  },
  kmsKeyArn: {
    test: (v: string) =>
      /^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(
        v,
      ),
    message:
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>), not an alias or a bare key id. Copy the key ARN from the account that owns the key',
  },
  logGroupName: {
    test: (v: string) => /^[\w\-./#]{1,512}$/.test(v),
    message: 'must be a CloudWatch Logs group name (1-512 characters: letters, digits and _-./#). Fix the name',
  },
  vpcId: {
    test: awsId('vpc'),
    message: 'must be a VPC id such as "vpc-0123456789abcdef0". Copy it from the VPC console',
  },
  subnetId: {
    test: awsId('subnet'),
    message: 'must be a subnet id such as "subnet-0123456789abcdef0". Copy it from the VPC console',
  },
  routeTableId: {
    test: awsId('rtb'),
    message: 'must be a route table id such as "rtb-0123456789abcdef0". Copy it from the VPC console',
  },
  ipv4Cidr: {
    test: isIpv4Cidr,
    message:
      'must be an IPv4 network in CIDR notation such as "10.0.0.0/16" (the network address). Use the VPC\'s CIDR block',
  },
} satisfies Record<string, Rule<string> | Rule<number>>;

/** A prop to check: its name, its value and the rule. */
export type PropCheck = readonly [path: string, value: unknown, rule: Rule<never>];

/**
 * The problems of a construct's props: one per prop that breaks its rule (undefined values are
 * not checked). `where` is the construct's path, so each message says which construct it is.
 * Report them with `reportProblems` (core/validation.ts).
 */
export function propProblems(where: string, checks: readonly PropCheck[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [path, value, rule] of checks) {
    if (value === undefined) continue;
    if (!(rule as Rule<unknown>).test(value)) problems.push({ file: where, path, value, message: rule.message });
  }
  return problems;
}
