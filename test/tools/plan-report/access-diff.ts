import type { EnvironmentConfig } from '../../../environments';
import type { PolicyDocument } from '../../../modules/core/policy-document';
import {
  type AccessCase,
  accessMatrix,
  readAccess,
  runMatrix,
  sessionPolicyLocation,
} from '../../../cli/access/access-matrix';
import { type SynthesizedStack, logicalIdAt } from '../../support/synth';
import type { EnvironmentReport } from './render';
import { type TerraformPlan, managedChanges } from './terraform-plan';

function parse(value: unknown): PolicyDocument | undefined {
  return typeof value === 'string' && value !== '' ? (JSON.parse(value) as PolicyDocument) : undefined;
}

/** The people's session policy before and after the plan (after: as synthesized when only known after apply). */
export function sessionPolicies(
  config: EnvironmentConfig,
  stack: SynthesizedStack,
  plan: TerraformPlan,
  synthesized: PolicyDocument,
): { before?: PolicyDocument; after: PolicyDocument } {
  const location = sessionPolicyLocation(config);
  const address = `${location.type}.${logicalIdAt(stack, location.type, location.pathSuffix)}`;
  const change = managedChanges(plan).find((rc) => rc.address === address)?.change;
  if (!change) return { before: synthesized, after: synthesized };
  const unknown = change.after_unknown?.[location.attribute] === true;
  return {
    before: parse(change.before?.[location.attribute]),
    after: (unknown ? undefined : parse(change.after?.[location.attribute])) ?? synthesized,
  };
}

function sentence(c: AccessCase): string {
  return `${c.principal}: ${c.description} (\`${c.action}\` on \`${c.resource}\`)`;
}

/**
 * Access gained and lost, in words: the environment's access matrix evaluated on the people's
 * session policy before the plan (what is deployed) and after it. With no policy before (a first
 * deploy, or an offline plan against an empty account), everything allowed after is gained.
 */
export async function accessDiff(
  config: EnvironmentConfig,
  stack: SynthesizedStack,
  plan: TerraformPlan,
): Promise<EnvironmentReport['access']> {
  const access = readAccess(config, stack);
  const policies = sessionPolicies(config, stack, plan, access.sessionPolicy);
  const after = await runMatrix(accessMatrix(config, { ...access, sessionPolicy: policies.after }));
  const before = policies.before
    ? await runMatrix(accessMatrix(config, { ...access, sessionPolicy: policies.before }))
    : undefined;
  const gained: string[] = [];
  const lost: string[] = [];
  after.forEach((now, i) => {
    const was = before?.[i].evaluation.decision === 'Allowed';
    const is = now.evaluation.decision === 'Allowed';
    if (is && !was) gained.push(sentence(now.case));
    if (was && !is) lost.push(sentence(now.case));
  });
  return { gained, lost };
}
