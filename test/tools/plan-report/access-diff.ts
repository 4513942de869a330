import type { EnvironmentConfig } from '../../../environments';
import type { EnvironmentReport } from './render';
import type { TerraformPlan } from './terraform-plan';

/**
 * Access gained and lost: the environment's access matrix evaluated on the federated users'
 * policies before and after the plan.
 */
export function accessDiff(_config: EnvironmentConfig, _plan: TerraformPlan): EnvironmentReport['access'] {
  return { gained: [], lost: [] };
}
