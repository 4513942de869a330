import { EvaluationError } from '../errors';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import type { StackAccess, SynthesizedAccess } from './access-model';
import { breakGlassRows } from './cases/break-glass';
import { boundaryRows, deployRoleRows } from './cases/ci-deploy-role';
import { planRoleRows } from './cases/ci-roles';
import { centralKeyRows, instanceRoleRows } from './cases/instance-role';
import { launchTaggerRows } from './cases/launch-tagger';
import { ownershipTagRows, scpRows } from './cases/ownership-tag';
import { documentRows, ownSessionRows, sessionKeyRows } from './cases/session-resources';
import {
  attributeRuleRows,
  consoleAndRequestRows,
  managedInstanceRows,
  ownerRuleRows,
  principalTagOwnerRows,
} from './cases/sessions';
import { signInRows } from './cases/sign-in';
import { type Evaluation, evaluate } from './evaluator';
import type { AccessCase, AccessResult } from './matrix-case';
import { type CaseRow, type MatrixContext, caseOf, matrixContext } from './matrix-context';
import { readStackAccess } from './read-stack';

export type { AccessModel, ResolvedDestination, StackAccess, SynthesizedAccess } from './access-model';
export type { AccessArea, AccessCase, AccessResult, Caller } from './matrix-case';

/**
 * The access matrix: who may do what to which resource, for one environment, as data. Each area
 * is a table of rows (cases/*.ts); the jest suite (test/stacks/access-matrix.test.ts) and the
 * review commands (`ssm-federated-access access-report`, and the access part of `plan-report`)
 * run exactly these cases through the IAM evaluator, on the policies and settings read from the
 * synthesized `cdk.tf.json` (read-stack.ts), so they cannot drift.
 */

/** The tables, in the order the report lists them. */
const TABLES: readonly ((m: MatrixContext) => CaseRow[])[] = [
  consoleAndRequestRows,
  ownerRuleRows,
  attributeRuleRows,
  breakGlassRows,
  principalTagOwnerRows,
  signInRows,
  managedInstanceRows,
  launchTaggerRows,
  documentRows,
  ownSessionRows,
  sessionKeyRows,
  ownershipTagRows,
  scpRows,
  instanceRoleRows,
  centralKeyRows,
  (m) =>
    m.access.ci
      ? [...planRoleRows(m, m.access.ci), ...deployRoleRows(m, m.access.ci), ...boundaryRows(m, m.access.ci)]
      : [],
];

/** The matrix of one synthesized stack: its settings and policies, read from the stack itself. */
export function stackMatrix(stack: SynthesizedStack): StackAccess & { cases: AccessCase[] } {
  const read = readStackAccess(stack);
  return { ...read, cases: accessMatrix(read.access) };
}

/** Every case of the matrix for one stack, from its settings and policies (read-stack.ts). */
export function accessMatrix(access: SynthesizedAccess): AccessCase[] {
  const m = matrixContext(access);
  return TABLES.flatMap((table) => table(m)).map((row) => caseOf(row, m));
}

/** Runs every case through the evaluator. */
export async function runMatrix(cases: readonly AccessCase[]): Promise<AccessResult[]> {
  const results: AccessResult[] = [];
  for (const c of cases) {
    let evaluation: Evaluation;
    try {
      evaluation = await evaluate(c.simulation, c.unsafe ? { unsafe: true } : {});
    } catch (error) {
      throw new EvaluationError(
        `${c.area} / ${c.description} (${c.action} on ${c.resource}): ${(error as Error).message}`,
      );
    }
    const pass =
      evaluation.decision === c.expected &&
      (c.expectedSid === undefined || evaluation.deciding.includes(c.expectedSid));
    results.push({ case: c, evaluation, pass });
  }
  return results;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The matrix as a Markdown table for a pull request. */
export function markdownTable(results: readonly AccessResult[]): string {
  const lines = [
    '| Area | Principal | Action | Resource | Case | Decision | Deciding statement | As expected |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const { case: c, evaluation, pass } of results) {
    lines.push(
      `| ${[
        c.area,
        c.principal,
        `\`${c.action}\``,
        `\`${c.resource}\``,
        c.description,
        evaluation.decision,
        evaluation.deciding.length > 0 ? evaluation.deciding.join(', ') : '(no statement matches)',
        pass ? 'yes' : `**NO** (expected ${c.expected}${c.expectedSid ? ` by ${c.expectedSid}` : ''})`,
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
