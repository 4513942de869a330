import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type ConfigProblem } from '../core/config-error';
import type { Finding, RulePack, TerraformJson } from './rule';
import { SECURITY_BASELINE } from './security-baseline';

/**
 * An accepted finding: which rule, on which resource, and why it is acceptable. Written where the
 * exception is decided, and reviewed like code.
 */
export interface RuleSuppression {
  /** The rule's id, e.g. `SFA-IAM4`. */
  readonly ruleId: string;
  /** The resource's Terraform address, e.g. `aws_iam_role_policy.session-access_role-policy_A080CFF9`. */
  readonly address: string;
  /** Why the finding is acceptable: at least {@link MIN_REASON_LENGTH} characters. */
  readonly reason: string;
  /**
   * The findings' details it accepts (for policy rules `<statement Sid>/<action>`).
   *
   * @default every finding of the rule on the resource
   */
  readonly appliesTo?: readonly string[];
}

/** The shortest reason a suppression may give, as cdk-nag requires. */
export const MIN_REASON_LENGTH = 10;

/** What to check a stack against. */
export interface CheckStackOptions {
  /** @default SECURITY_BASELINE */
  readonly pack?: RulePack;
  /** @default none */
  readonly suppressions?: readonly RuleSuppression[];
}

/** What a check found. */
export interface StackCheck {
  /** The findings no suppression accepts, in the pack's rule order. */
  readonly findings: readonly Finding[];
  /** The findings a suppression accepted, each with its reason. */
  readonly suppressed: readonly (Finding & {
    /** The reason of the suppression that accepted it. */
    readonly reason: string;
  })[];
  /** Suppressions that accepted nothing (the resource, rule or detail no longer exists). */
  readonly unusedSuppressions: readonly RuleSuppression[];
  /** Whether no unsuppressed finding is an error. */
  readonly passed: boolean;
}

/**
 * Checks one synthesized stack (its parsed `cdk.tf.json`) against a rule pack.
 *
 * @throws ConfigError when a suppression has no reason (or one shorter than
 *   {@link MIN_REASON_LENGTH}), or names a rule the pack does not have.
 */
export function checkStack(stack: TerraformJson, options: CheckStackOptions = {}): StackCheck {
  const pack = options.pack ?? SECURITY_BASELINE;
  const suppressions = options.suppressions ?? [];
  const problems = suppressionProblems(suppressions, pack);
  if (problems.length > 0) throw new ConfigError(problems);

  const used = new Set<RuleSuppression>();
  const findings: Finding[] = [];
  const suppressed: (Finding & { reason: string })[] = [];
  for (const { id, level, rule } of pack.rules) {
    for (const finding of rule(stack)) {
      const accepted = suppressions.find(
        (s) =>
          s.ruleId === id &&
          s.address === finding.address &&
          (s.appliesTo === undefined || (finding.detail !== undefined && s.appliesTo.includes(finding.detail))),
      );
      if (accepted) {
        used.add(accepted);
        suppressed.push({ ruleId: id, level, ...finding, reason: accepted.reason });
      } else {
        findings.push({ ruleId: id, level, ...finding });
      }
    }
  }
  return {
    findings,
    suppressed,
    unusedSuppressions: suppressions.filter((s) => !used.has(s)),
    passed: !findings.some((f) => f.level === 'error'),
  };
}

/** Checks the stack that `cdktf synth` wrote to `stackDir` (a folder with `cdk.tf.json`, e.g. `cdktf.out/stacks/prod`). */
export function checkSynthesizedStack(stackDir: string, options: CheckStackOptions = {}): StackCheck {
  return checkStack(JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')), options);
}

/** One line a finding, `<level> <rule id> <address>: <message>`, for a log or a pull-request comment. */
export function formatFinding(finding: Finding): string {
  return `${finding.level} ${finding.ruleId} ${finding.address}: ${finding.message}`;
}

function suppressionProblems(suppressions: readonly RuleSuppression[], pack: RulePack): ConfigProblem[] {
  const ids = pack.rules.map((r) => r.id);
  return suppressions.flatMap((s, i): ConfigProblem[] => {
    const at = (field: string, value: unknown, message: string): ConfigProblem => ({
      file: 'suppressions',
      path: `[${i}].${field}`,
      value,
      message,
    });
    const problems: ConfigProblem[] = [];
    if (typeof s.reason !== 'string' || s.reason.trim().length < MIN_REASON_LENGTH) {
      problems.push(
        at(
          'reason',
          s.reason,
          `must say why ${s.ruleId} is acceptable on ${s.address}, in at least ${MIN_REASON_LENGTH} characters. A suppression without a reason is not accepted: write the reason`,
        ),
      );
    }
    if (!ids.includes(s.ruleId)) {
      problems.push(at('ruleId', s.ruleId, `must be a rule of the pack "${pack.name}". Use one of ${ids.join(', ')}`));
    }
    if (typeof s.address !== 'string' || !/^[a-z][a-z0-9_]*\.[\w-]+$/.test(s.address)) {
      problems.push(at('address', s.address, 'must be a resource address, <type>.<name>. Copy it from the finding'));
    }
    return problems;
  });
}
