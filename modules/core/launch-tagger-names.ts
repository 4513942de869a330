/**
 * The launch tagger's names, in one place: the tagger names its roles with them, and the
 * ownership-tag SCP of `SessionAccessPolicy` exempts exactly those roles, so the two cannot disagree.
 */

/** `LaunchTaggerProps.name` when none is given. */
export const DEFAULT_LAUNCH_TAGGER_NAME = 'launch-tagger';

/** The launch tagger of an environment: `<environment>-launch-tagger` (its function; its roles add the region). */
export function environmentLaunchTaggerName(environment: string): string {
  return `${environment}-${DEFAULT_LAUNCH_TAGGER_NAME}`;
}

/** The tagger's role in one region: IAM names are global, so the region is part of it. */
export function launchTaggerRoleName(name: string, region: string): string {
  return `${name}-${region}`;
}

/** The ARN of a tagger role (the exact role: a pattern would exempt any role named like it). */
export function launchTaggerRoleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** What a `LaunchTagger` tells the SCP about itself (read through the construct tree). */
export interface LaunchTaggerNaming {
  readonly [LAUNCH_TAGGER]: true;
  /** The tagger's name (`LaunchTaggerProps.name`). */
  readonly name: string;
  /** The region it runs in: its role is `launchTaggerRoleName(name, region)`. */
  readonly region: string;
}

/** Marks `LaunchTagger` constructs, without importing the construct (and the provider's Lambda classes). */
export const LAUNCH_TAGGER: unique symbol = Symbol.for('ssm-federated-access.LaunchTagger');

export function isLaunchTagger(construct: unknown): construct is LaunchTaggerNaming {
  return typeof construct === 'object' && construct !== null && LAUNCH_TAGGER in construct;
}
