import type { PolicyDocument } from '../../modules/core/policy-document';
import { type AccessCase, type AccessResult, accessMatrix, runMatrix } from '../access/access-matrix';
import type { Decision } from '../access/evaluator';
import type { StackAccess } from '../access/read-stack';
import { type TerraformPlan, managedChanges } from './terraform-plan';

/** One case of the matrix, before and after the plan. */
export interface MatrixRow {
  readonly area: AccessCase['area'];
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly description: string;
  /** The decision on what is deployed; absent when nothing is (a first deploy, an offline plan). */
  readonly before?: Decision;
  readonly after: Decision;
  readonly deciding: readonly string[];
  readonly change?: 'gained' | 'lost';
  /** Decided after the plan as the stack's own settings say it should be. */
  readonly asExpected: boolean;
  readonly expected: Decision;
}

/** Access gained and lost, in words, and the whole matrix before and after. */
export interface AccessChanges {
  readonly gained: readonly string[];
  readonly lost: readonly string[];
  readonly rows: readonly MatrixRow[];
}

function parse(value: unknown): PolicyDocument | undefined {
  return typeof value === 'string' && value !== '' ? (JSON.parse(value) as PolicyDocument) : undefined;
}

/** The people's session policy before and after the plan (after: as synthesized when only known after apply). */
export function sessionPolicies(
  stack: StackAccess,
  plan: TerraformPlan,
): { before?: PolicyDocument; after: PolicyDocument } {
  const synthesized = stack.access.sessionPolicy;
  const { address, attribute } = stack.sessionPolicyLocation;
  const change = managedChanges(plan).find((rc) => rc.address === address)?.change;
  if (!change) return { before: synthesized, after: synthesized };
  const unknown = change.after_unknown?.[attribute] === true;
  return {
    before: parse(change.before?.[attribute]),
    after: (unknown ? undefined : parse(change.after?.[attribute])) ?? synthesized,
  };
}

export function sentence(c: Pick<AccessCase, 'principal' | 'description' | 'action' | 'resource'>): string {
  return `${c.principal}: ${c.description} (\`${c.action}\` on \`${c.resource}\`)`;
}

/**
 * Access gained and lost: the stack's access matrix evaluated on the people's session policy
 * before the plan (what is deployed) and after it. With no policy before (a first deploy, or an
 * offline plan against an empty account), everything allowed after is gained.
 */
export async function accessDiff(stack: StackAccess, plan: TerraformPlan): Promise<AccessChanges> {
  const policies = sessionPolicies(stack, plan);
  const matrix = (sessionPolicy: PolicyDocument) => accessMatrix({ ...stack.access, sessionPolicy });
  const after = await runMatrix(matrix(policies.after));
  const before: AccessResult[] | undefined = policies.before ? await runMatrix(matrix(policies.before)) : undefined;
  const gained: string[] = [];
  const lost: string[] = [];
  const rows = after.map((now, i): MatrixRow => {
    const was = before?.[i].evaluation.decision;
    const is = now.evaluation.decision;
    const change =
      is === 'Allowed' && was !== 'Allowed' ? 'gained' : was === 'Allowed' && is !== 'Allowed' ? 'lost' : undefined;
    if (change === 'gained') gained.push(sentence(now.case));
    if (change === 'lost') lost.push(sentence(now.case));
    return {
      area: now.case.area,
      principal: now.case.principal,
      action: now.case.action,
      resource: now.case.resource,
      description: now.case.description,
      ...(was ? { before: was } : {}),
      after: is,
      deciding: now.evaluation.deciding,
      ...(change ? { change } : {}),
      asExpected: now.pass,
      expected: now.case.expected,
    };
  });
  return { gained, lost, rows };
}
