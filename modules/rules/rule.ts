/**
 * The shape of a policy rule: a pure function over the synthesized Terraform JSON of one stack
 * (`cdk.tf.json`) that returns what it finds wrong. Rules know resource types, not construct ids,
 * so they judge resources that a consumer's app adds as well as this library's.
 */

/** The parsed `cdk.tf.json` of one stack. Terraform JSON is untyped by nature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TerraformJson = any;

/** One thing a rule found wrong with one resource. */
export interface RuleFinding {
  /** The resource's Terraform address, e.g. `aws_s3_bucket.audit_logs_4F2A1B3C`. */
  readonly address: string;
  /** What is wrong, in a sentence that names the argument and the value. */
  readonly message: string;
  /**
   * Which part of the resource, for findings a suppression can name one by one (for policy rules
   * `<statement Sid>/<action>`); undefined when the finding is about the resource as a whole.
   */
  readonly detail?: string;
}

/** A rule: a pure function of one stack's Terraform JSON. */
export type Rule = (stack: TerraformJson) => RuleFinding[];

/** `error` fails a check; `warning` is reported and does not. */
export type RuleLevel = 'error' | 'warning';

/** A rule as a pack lists it: the function and what a reader of a finding needs to know. */
export interface PackRule {
  /** Stable id that findings and suppressions name, e.g. `SFA-S5`. */
  readonly id: string;
  /** Whether a finding of the rule fails the check. */
  readonly level: RuleLevel;
  /** What the rule requires, in one line. */
  readonly description: string;
  /** Why it matters, and the fix. */
  readonly explanation: string;
  /** The check itself. */
  readonly rule: Rule;
}

/** A named list of rules. */
export interface RulePack {
  /** The pack's name, as suppression errors quote it. */
  readonly name: string;
  /** The rules, in the order findings are listed. */
  readonly rules: readonly PackRule[];
}

/** A finding of a pack's rule: the rule finding with the rule's id and level. */
export interface Finding extends RuleFinding {
  /** The id of the rule that found it. */
  readonly ruleId: string;
  /** The rule's level. */
  readonly level: RuleLevel;
}
