import { createValidatedPolicy, validateResourcePolicy } from '@cloud-copilot/iam-policy';
import { type Simulation, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/**
 * Runs one request through the IAM evaluator. A malformed simulation fails the test instead of
 * denying, and so does a context key the evaluator ignored: a condition on an ignored key never
 * matches, which would make a "denied" expectation pass for the wrong reason.
 */
export async function decide(simulation: Simulation): Promise<Decision> {
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`simulation rejected: ${JSON.stringify(result.errors)}`);
  }
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  if (ignored.length > 0) {
    throw new Error(
      `the evaluator ignored context keys ${ignored.join(', ')}; use decideUnsafe for keys it does not know`,
    );
  }
  return result.overallResult as Decision;
}

/**
 * The same evaluation without the evaluator's request validation, for what its data does not know:
 * provider-specific OIDC keys (`token.actions.githubusercontent.com:sub`) and AWS-owned resources
 * whose ARNs have an empty account (`arn:aws:ssm:<region>::document/AWS-StartSSHSession`).
 */
export async function decideUnsafe(simulation: Simulation): Promise<Decision> {
  const { resourcePolicy } = simulation;
  if (resourcePolicy) {
    // The unsafe engine loads a raw resource policy without a name and then fails reading it;
    // a validated policy carries its name, and its validation errors are checked here instead.
    const validated = createValidatedPolicy(resourcePolicy, validateResourcePolicy, { name: 'ResourcePolicy' });
    if (validated.errors.length > 0) throw new Error(`invalid resource policy: ${JSON.stringify(validated.errors)}`);
    return runUnsafeSimulation({ ...simulation, resourcePolicy: validated }, {}) as Decision;
  }
  return runUnsafeSimulation(simulation, {}) as Decision;
}
