import type { EnvironmentConfig } from '../environment/load-environment';
import { RUN_AS_TAG } from '../core/tag-names';
import { environmentLaunchTaggerName } from '../core/launch-tagger-names';
import { principalTagsRead } from '../core/access-rules';

/**
 * Names an environment gives its resources and settings. They are derived from the environment,
 * so ARNs are known before anything is deployed; changing one replaces the resource.
 */

/** Name of the role and instance profile for the environment's instances (IAM names are per account). */
export function managedInstanceRoleName(config: EnvironmentConfig): string {
  return `${config.name}-ssm-managed-instance`;
}
/** The GitHub Actions role names of an environment (its `ci` settings or the defaults). */
export function ciRoleNames(config: EnvironmentConfig): { plan: string; deploy: string } {
  return {
    plan: config.ci?.planRoleName ?? `${config.name}-github-plan`,
    deploy: config.ci?.deployRoleName ?? `${config.name}-github-deploy`,
  };
}

export function stateKey(config: EnvironmentConfig, key: string | undefined): string {
  return key ?? `${config.name}/terraform.tfstate`;
}

/** Principal tags the IdP must send for the environment's access rules (besides SSMSessionRunAs). */
export function principalTagNames(config: EnvironmentConfig): string[] {
  return principalTagsRead(config.access).filter((tag) => tag !== RUN_AS_TAG);
}
/** Base name of the launch tagger's resources; its roles are `<name>-<region>`. */
export function launchTaggerName(config: EnvironmentConfig): string {
  return environmentLaunchTaggerName(config.name);
}
