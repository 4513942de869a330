import type { Simulation } from '@cloud-copilot/iam-simulate';
import { type Decision, evaluate } from '../../cli/access/evaluator';

export type { Decision } from '../../cli/access/evaluator';

/**
 * The decision alone, for tests that do not care which statement decided. Like `evaluate`, it fails
 * on a malformed simulation and on a context key the evaluator ignored, instead of denying.
 */
export async function decide(simulation: Simulation): Promise<Decision> {
  return (await evaluate(simulation)).decision;
}

/**
 * The same without the evaluator's request validation, for what its data does not know:
 * provider-specific OIDC keys (`token.actions.githubusercontent.com:sub`), KMS encryption-context
 * keys, and AWS-owned resources whose ARNs have an empty account.
 */
export async function decideUnsafe(simulation: Simulation): Promise<Decision> {
  return (await evaluate(simulation, { unsafe: true })).decision;
}
