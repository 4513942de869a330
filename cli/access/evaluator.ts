import type { Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument, PolicyStatement } from '../../modules/core/policy-document';
import { EvaluationError, EvaluatorMissingError } from '../errors';

/**
 * The IAM evaluator behind the access matrix: `@cloud-copilot/iam-simulate` and
 * `@cloud-copilot/iam-policy`. They are AGPL-3.0 licensed, so this package does not depend on
 * them: they are optional peer dependencies, loaded here at run time when installed (see the
 * README, "Use the review in your own app").
 */

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Evaluation {
  readonly decision: Decision;
  /** The statements that decided: the matching Deny statements, else the matching Allow statements. */
  readonly deciding: readonly string[];
}

/** The packages to install for the access part of the report. */
export const EVALUATOR_PACKAGES = ['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-policy'] as const;

/** How to turn the access part on, in one line. */
export const EVALUATOR_HINT = `install the IAM evaluator (AGPL-3.0): npm install --save-dev ${EVALUATOR_PACKAGES.join(' ')}`;

type Simulate = typeof import('@cloud-copilot/iam-simulate');
type Policies = typeof import('@cloud-copilot/iam-policy');
interface Engine {
  readonly simulate: Simulate;
  readonly policies: Policies;
}

let engine: Promise<Engine> | undefined;

/** Loads the evaluator once; rejects with an {@link EvaluatorMissingError} when it is not installed. */
export function loadEvaluator(): Promise<Engine> {
  engine ??= Promise.all([import('@cloud-copilot/iam-simulate'), import('@cloud-copilot/iam-policy')]).then(
    ([simulate, policies]) => ({ simulate, policies }),
    (error: unknown) => {
      engine = undefined;
      throw new EvaluatorMissingError(
        `The IAM evaluator is not installed (${(error as Error).message.split('\n')[0]}); ${EVALUATOR_HINT}`,
      );
    },
  );
  return engine;
}

/** Whether the evaluator can be loaded (for reports that run without it). */
export async function evaluatorAvailable(): Promise<boolean> {
  try {
    await loadEvaluator();
    return true;
  } catch (error) {
    if (error instanceof EvaluatorMissingError) return false;
    throw error;
  }
}

interface Analysis {
  identityAnalysis?: { allowStatements: StatementHit[]; denyStatements: StatementHit[] };
  resourceAnalysis?: { allowStatements: StatementHit[]; denyStatements: StatementHit[] };
  scpAnalysis?: { ouAnalysis: { denyStatements: StatementHit[] }[] };
}
interface StatementHit {
  statement: { sid(): string | undefined };
}

const sidsOf = (hits: readonly StatementHit[] | undefined, prefix = '') =>
  (hits ?? []).map((h) => `${prefix}${h.statement.sid() ?? '(no Sid)'}`);

/**
 * Runs one request through the IAM evaluator. A malformed simulation, or a context key the
 * evaluator drops as not applying to the action, fails instead of quietly deciding without it.
 *
 * `unsafe` skips the evaluator's validation, for requests on AWS-owned documents whose ARNs have no
 * account (which its validation rejects); the deciding statements are then found by evaluating
 * each identity statement alone.
 */
export async function evaluate(input: Simulation, options: { unsafe?: boolean } = {}): Promise<Evaluation> {
  const { simulate, policies } = await loadEvaluator();
  const simulation = withRequestedRegion(input);
  if (options.unsafe) return evaluateUnsafe(simulate, policies, simulation);
  const result = await simulate.runSimulation(simulation, {});
  if (result.resultType === 'error') throw new EvaluationError(`simulation rejected: ${JSON.stringify(result.errors)}`);
  const single = result.resultType === 'single' ? result.result : result.results[0];
  const ignored = single?.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new EvaluationError(
      `the evaluator ignored context keys ${ignored.join(', ')} for ${simulation.request.action}: the case would be decided without them`,
    );
  }
  const analysis = single?.analysis as Analysis | undefined;
  const decision = result.overallResult as Decision;
  const deny = [
    ...sidsOf(analysis?.identityAnalysis?.denyStatements),
    ...sidsOf(analysis?.resourceAnalysis?.denyStatements, 'resource:'),
    ...(analysis?.scpAnalysis?.ouAnalysis ?? []).flatMap((ou) => sidsOf(ou.denyStatements, 'scp:')),
  ];
  const allow = [
    ...sidsOf(analysis?.identityAnalysis?.allowStatements),
    ...sidsOf(analysis?.resourceAnalysis?.allowStatements, 'resource:'),
  ];
  return { decision, deciding: decision === 'ExplicitlyDenied' ? deny : decision === 'Allowed' ? allow : [] };
}

/**
 * Every AWS request carries `aws:RequestedRegion`, the region of the endpoint it was sent to: for a
 * call on a regional resource, the region in its ARN. A case that does not set it gets that one, so
 * that policies keeping their statements to the environment's regions are judged as AWS judges them.
 */
export function withRequestedRegion(simulation: Simulation): Simulation {
  const context = simulation.request.contextVariables ?? {};
  if ('aws:RequestedRegion' in context) return simulation;
  const resource = simulation.request.resource.resource;
  const region = /^arn:aws[\w-]*:[\w-]+:([a-z]{2}(-[a-z]+)+-\d):/.exec(resource)?.[1];
  if (!region) return simulation;
  return {
    ...simulation,
    request: { ...simulation.request, contextVariables: { ...context, 'aws:RequestedRegion': region } },
  };
}

function evaluateUnsafe(simulate: Simulate, policies: Policies, input: Simulation): Evaluation {
  const simulation = withNamedResourcePolicy(policies, input);
  const decision = simulate.runUnsafeSimulation(simulation, {}) as Decision;
  const deciding: string[] = [];
  if (decision !== 'ImplicitlyDenied') {
    for (const { name, policy } of simulation.identityPolicies) {
      for (const statement of (policy as PolicyDocument).Statement as PolicyStatement[]) {
        if ((statement.Effect === 'Deny') !== (decision === 'ExplicitlyDenied')) continue;
        const alone = simulate.runUnsafeSimulation(
          {
            ...simulation,
            identityPolicies: [{ name, policy: { Version: '2012-10-17', Statement: [statement] } }],
          },
          {},
        );
        if (alone === decision) deciding.push(statement.Sid);
      }
    }
  }
  return { decision, deciding };
}

/**
 * The unsafe engine loads a raw resource policy without a name and then fails reading it; a
 * validated policy carries its name, and its validation errors are checked here instead.
 */
function withNamedResourcePolicy(policies: Policies, simulation: Simulation): Simulation {
  if (!simulation.resourcePolicy) return simulation;
  const validated = policies.createValidatedPolicy(simulation.resourcePolicy, policies.validateResourcePolicy, {
    name: 'ResourcePolicy',
  });
  if (validated.errors.length > 0)
    throw new EvaluationError(`invalid resource policy: ${JSON.stringify(validated.errors)}`);
  return { ...simulation, resourcePolicy: validated };
}
