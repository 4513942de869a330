import { approvalChanges, denyAccessChanges } from './approval-diff';
import { settingsChanges } from './audit-settings';
import { dangers } from './dangers';
import { type ConfiguredPolicy, policyChanges } from './policy-diff';
import type { AccessPart, EnvironmentReport } from './render';
import { type TerraformPlan, countChanges, managedChanges } from './terraform-plan';

/** The access part of one stack's report for a plan: the changes, or a note why there are none. */
export type AccessDiff = (plan: TerraformPlan) => Promise<AccessPart>;

/** Everything the report says about one stack's plan. */
export async function buildEnvironmentReport(
  name: string,
  mode: EnvironmentReport['mode'],
  plan: TerraformPlan,
  accessDiff: AccessDiff,
  /** An argument of a planned resource as the configuration writes it (policies, document content, templates). */
  configured?: ConfiguredPolicy,
): Promise<EnvironmentReport> {
  const changes = managedChanges(plan);
  return {
    name,
    mode,
    counts: countChanges(plan),
    dangers: dangers(changes),
    policies: changes.flatMap((rc) => policyChanges(rc, configured)),
    settings: changes.flatMap((rc) => settingsChanges(rc, configured)),
    approvals: [...changes.flatMap((rc) => approvalChanges(rc, configured)), ...denyAccessChanges(plan)],
    ...(await accessDiff(plan)),
  };
}
