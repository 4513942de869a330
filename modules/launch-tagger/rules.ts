import type { Rule } from '../core/rules';

/** CloudWatch Logs retention periods (days) of at least a year, the values the API accepts. */
export const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const wholeNumber = (min: number, max: number) => (v: number) => Number.isInteger(v) && v >= min && v <= max;

/**
 * Rules for the launch tagger's settings, shared by the environment schema (`launchTagger`) and
 * the LaunchTagger constructor so a value is judged the same way from either side.
 */
export const launchTaggerRules = {
  name: {
    test: (v: string) => /^[A-Za-z0-9_-]{1,40}$/.test(v),
    message:
      'must be 1-40 characters of letters, digits, - and _ (it prefixes the function, queue, rule and role names, and the role name adds the region). Shorten it',
  },
  roleUniqueId: {
    test: (v: string) => /^AROA[A-Z0-9]{8,124}$/.test(v),
    message:
      "must be an IAM role unique id (AROA followed by upper-case letters and digits). Pass the role's unique_id",
  },
  logRetentionDays: {
    test: (v: number) => (LOG_RETENTION_DAYS as readonly number[]).includes(v),
    message: `must be a CloudWatch Logs retention of at least a year: one of ${LOG_RETENTION_DAYS.join(', ')} days. Pick one of them`,
  },
  maxRetryAttempts: {
    test: wholeNumber(0, 2),
    message: 'must be 0, 1 or 2 (Lambda retries a failed asynchronous event at most twice). Pick one of them',
  },
  maxEventAgeSeconds: {
    test: wholeNumber(60, 21_600),
    message:
      'must be a whole number of seconds from 60 to 21600 (6 hours), the range Lambda accepts. Pick a value in that range',
  },
  reservedConcurrentExecutions: {
    test: wholeNumber(1, 1000),
    message: 'must be a whole number from 1 to 1000. Pick a value in that range',
  },
  timeoutSeconds: {
    test: wholeNumber(10, 900),
    message:
      'must be a whole number of seconds from 10 to 900 (leave time for throttling retries). Pick a value in that range',
  },
  kmsKeyArn: {
    test: (v: string) => /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/.test(v),
    message: 'must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id> (not an alias). Use the key ARN',
  },
  snsTopicArn: {
    test: (v: string) => /^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(v),
    message: 'must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<topic name>. Use the topic ARN',
  },
} satisfies Record<string, Rule<string> | Rule<number>>;
