import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { type IntentEnvironment, type IntentRow, decisionOf } from './intent';

/**
 * Widening experiments on the policies the intent tables decide: each Allow statement in turn gets
 * one more action, a wider resource, or one condition fewer, and some intent row must notice (its
 * decision changes). A widening no row notices is a promise the tables do not hold the policy to.
 */

/** One widened copy of a policy. */
export interface Widening {
  readonly environment: string;
  /** The policy's name in the environment's policy set. */
  readonly policy: string;
  readonly sid: string;
  /** What was widened, in words: `adds ssm:SendCommand`, `Resource "*"`, `drops StringEquals aws:RequestedRegion`. */
  readonly change: string;
  readonly statement: PolicyStatement;
  readonly document: PolicyDocument;
  /**
   * The change also takes something away (the same names in another account): rows that are
   * allowed can change too. Every other change only adds to one Allow statement, which can turn a
   * denial into an allow and nothing else.
   */
  readonly takesAway: boolean;
}

/** What became of one widening. */
export interface WideningResult {
  readonly widening: Widening;
  /** The first row whose decision changed, with its new decision; undefined when no row noticed. */
  readonly caughtBy?: { readonly row: IntentRow; readonly decision: string };
  /** How many rows were evaluated. */
  readonly evaluations: number;
}

/** `<environment> <policy> <Sid>: <change>`, the key of the harmless list. */
export const wideningKey = (w: Pick<Widening, 'environment' | 'policy' | 'sid' | 'change'>) =>
  `${w.environment} ${w.policy} ${w.sid}: ${w.change}`;

/** A policy element that may be one string or a list, as a list. */
export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const ACCOUNT_IN_ARN = /^(arn:aws:[^:]+:[^:]*:)(\d{12})(:.*)$/;

/** Every widening of every Allow statement of one policy. */
export function wideningsOf(
  environment: string,
  policy: string,
  document: PolicyDocument,
  otherAccount: string,
): Widening[] {
  const widenings: Widening[] = [];
  document.Statement.forEach((statement, index) => {
    if (statement.Effect !== 'Allow') return;
    const sid = statement.Sid ?? `statement ${index}`;
    const replace = (change: string, widened: PolicyStatement, takesAway = false) =>
      widenings.push({
        environment,
        policy,
        sid,
        change,
        takesAway,
        statement: widened,
        document: { ...document, Statement: document.Statement.map((s, i) => (i === index ? widened : s)) },
      });
    const actions = asList(statement.Action as string | string[] | undefined);
    // (a) one more action: a command, and each of the statement's services whole.
    const services = [...new Set(actions.map((a) => a.split(':')[0]!))];
    for (const added of ['ssm:SendCommand', ...services.map((s) => `${s}:*`)]) {
      if (actions.includes(added)) continue;
      replace(`adds ${added}`, { ...statement, Action: [...actions, added] });
    }
    // (b) a wider resource: any, or the same names in another account.
    const resources = asList(statement.Resource as string | string[] | undefined);
    if (resources.length > 0 && !resources.includes('*')) {
      replace('Resource "*"', { ...statement, Resource: '*' });
      if (resources.some((r) => ACCOUNT_IN_ARN.test(r))) {
        replace(
          `Resource in account ${otherAccount}`,
          {
            ...statement,
            Resource: resources.map((r) => r.replace(ACCOUNT_IN_ARN, `$1${otherAccount}$3`)),
          },
          true,
        );
      }
    }
    // (c) one condition fewer.
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
      for (const key of Object.keys(entries as Record<string, unknown>)) {
        const { [key]: _dropped, ...rest } = entries as Record<string, unknown>;
        const { [operator]: _operator, ...others } = statement.Condition!;
        const condition = Object.keys(rest).length > 0 ? { ...others, [operator]: rest } : others;
        const { Condition: _condition, ...unconditioned } = statement;
        replace(
          `drops ${operator} ${key}`,
          Object.keys(condition).length > 0
            ? ({ ...unconditioned, Condition: condition } as PolicyStatement)
            : (unconditioned as PolicyStatement),
        );
      }
    }
  });
  return widenings;
}

/** An IAM action pattern (`ssm:Get*`) as a case-insensitive test. */
function actionMatcher(pattern: string): (action: string) => boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`, 'i');
  return (action) => regex.test(action);
}

/**
 * Whether a widened statement can change a row's decision: only when the row is decided by the
 * widened policy and its request is for one of the statement's actions (a statement whose actions
 * do not match a request plays no part in its decision). A changed Allow statement never lifts or
 * causes an explicit Deny, and one that only gains cannot deny what was allowed.
 */
function concerns(row: IntentRow, widening: Widening): boolean {
  if (row.env.name !== widening.environment) return false;
  if (row.expected === 'ExplicitlyDenied') return false;
  if (row.expected === 'Allowed' && !widening.takesAway) return false;
  const refs = row.policies;
  const uses = [...(refs.identity ?? []), refs.resource, refs.boundary, refs.scp].includes(widening.policy);
  if (!uses) return false;
  const statement = widening.statement as PolicyStatement & { NotAction?: unknown };
  if (statement.NotAction !== undefined) return true;
  return asList(statement.Action as string | string[] | undefined).some((pattern) =>
    actionMatcher(pattern)(row.action),
  );
}

/** Runs one widening against the rows it can concern, until one row's decision changes. */
export async function tryWidening(
  widening: Widening,
  rows: readonly IntentRow[],
  environment: IntentEnvironment,
): Promise<WideningResult> {
  const policies = { ...environment.policies, [widening.policy]: widening.document };
  let evaluations = 0;
  for (const row of rows) {
    if (!concerns(row, widening)) continue;
    evaluations += 1;
    const decision = await decisionOf(row, policies);
    if (decision !== row.expected) return { widening, caughtBy: { row, decision }, evaluations };
  }
  return { widening, evaluations };
}

/** Every row whose decision a widening changes, with its new decision (for recording an experiment). */
export async function rowsChangedBy(
  widening: Widening,
  rows: readonly IntentRow[],
  environment: IntentEnvironment,
): Promise<{ row: IntentRow; decision: string }[]> {
  const policies = { ...environment.policies, [widening.policy]: widening.document };
  const changed: { row: IntentRow; decision: string }[] = [];
  for (const row of rows) {
    if (!concerns(row, widening)) continue;
    const decision = await decisionOf(row, policies);
    if (decision !== row.expected) changed.push({ row, decision });
  }
  return changed;
}
