import { dangers } from './dangers';
import { policyChanges } from './policy-diff';
import type { EnvironmentReport } from './render';
import { type TerraformPlan, countChanges, managedChanges } from './terraform-plan';

/** Access gained and lost between the policies before and after a plan, in words. */
export type AccessDiff = (plan: TerraformPlan) => Promise<EnvironmentReport['access']>;

/** Everything the report says about one environment's plan. */
export async function buildEnvironmentReport(
  name: string,
  mode: EnvironmentReport['mode'],
  plan: TerraformPlan,
  accessDiff: AccessDiff,
): Promise<EnvironmentReport> {
  const changes = managedChanges(plan);
  return {
    name,
    mode,
    counts: countChanges(plan),
    dangers: dangers(changes),
    policies: changes.flatMap(policyChanges),
    access: await accessDiff(plan),
  };
}
