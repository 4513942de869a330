import type { EnvironmentConfig } from '../environment/load-environment';
import { RUN_AS_TAG } from '../core/tag-names';

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
  const names = new Set<string>();
  const attributes = config.access.attributeRule;
  if (attributes) {
    for (let group = 1; group <= attributes.groups; group++) {
      for (const pair of attributes.tags) names.add(group === 1 ? pair.principalTag : `${pair.principalTag}${group}`);
    }
  }
  const owner = config.access.principalTagOwnerRule;
  if (owner) names.add(owner.principalTag);
  names.delete(RUN_AS_TAG);
  return [...names];
}
/** Base name of the launch tagger's resources; its roles are `<name>-<region>`. */
export function launchTaggerName(config: EnvironmentConfig): string {
  return `${config.name}-launch-tagger`;
}
