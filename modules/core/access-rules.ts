import { OWNERSHIP_TAG } from './tag-names';

/**
 * The match rules that decide who may open a session on which instance, in one shape for every
 * reader: the environment's `access` section (its schema is checked against these types), the
 * `SessionAccessPolicy` construct's `rules` prop, the auto-approved rules of just-in-time access and
 * the review metadata the review command reads.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
 */

/**
 * A principal (session) tag that must equal an instance tag.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 */
export interface TagPair {
  /** Principal tag name, e.g. `AppId`. Group k >= 2 uses `<name><k>`. */
  readonly principalTag: string;
  /** Instance tag name, e.g. `APP_ID`. */
  readonly instanceTag: string;
}

/**
 * The attribute (ABAC) rule: a session is allowed when, in at least one group, every instance tag
 * equals its principal tag (and is not empty). Groups let one person hold several sets of
 * attributes, e.g. two applications: group 1 reads `AppId`, group 2 reads `AppId2`.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
 */
export interface AttributeRule {
  /** The tag pairs of one group; all must match. At least one, each instance tag once. */
  readonly tags: readonly TagPair[];
  /** Number of groups, 1 or more; group k (k >= 2) reads principal tags suffixed with k. */
  readonly groups: number;
}

/**
 * The match rules an environment turns on; a session is allowed when any one of them matches.
 * At least one must be on, or nobody can open a session.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-examples.html
 */
export interface AccessRules {
  /**
   * Owner rule: instance tag `AwsUserId` equals the caller's `aws:userid`, so people open
   * sessions on the instances they launched (the launch tagger writes the tag).
   */
  readonly ownerRule: boolean;
  /**
   * Attribute rule: instance tags equal principal tags, in numbered groups. Its instance tags
   * may not be `AwsUserId`.
   *
   * @default - off
   */
  readonly attributeRule?: AttributeRule;
  /**
   * Principal-tag owner rule: instance tag `instanceTag` equals principal tag `principalTag`, for
   * instances a launcher tags with the person's name (e.g. `CreatedBy`).
   *
   * @default - off
   */
  readonly principalTagOwnerRule?: TagPair;
}

/** The attribute rule's tag list is not empty: the environment schema and the construct both say so. */
export const ATTRIBUTE_TAGS_REQUIRED = 'must list at least one principal-tag to instance-tag pair';

/** Principal tag name that group `group` (1-based) reads: `AppId`, `AppId2`, `AppId3`... */
export function groupTagName(principalTag: string, group: number): string {
  return group === 1 ? principalTag : `${principalTag}${group}`;
}

/** Every principal tag the rules read, in policy order (besides the run-as tag, which IAM never reads). */
export function principalTagsRead(rules: AccessRules): string[] {
  const names: string[] = [];
  for (let group = 1; group <= (rules.attributeRule?.groups ?? 0); group++) {
    for (const pair of rules.attributeRule!.tags) names.push(groupTagName(pair.principalTag, group));
  }
  if (rules.principalTagOwnerRule) names.push(rules.principalTagOwnerRule.principalTag);
  return [...new Set(names)];
}

/**
 * Instance tags that decide who may open a session, which nobody may set through the session
 * policy's holder: the ownership tag always, plus the instance tags of the ABAC and principal-tag
 * owner rules (writing `APP_ID` or `CreatedBy` on someone else's instance would grant a session
 * just the same).
 */
export function accessTagKeys(rules: AccessRules): string[] {
  const keys = [OWNERSHIP_TAG];
  for (const pair of rules.attributeRule?.tags ?? []) keys.push(pair.instanceTag);
  if (rules.principalTagOwnerRule) keys.push(rules.principalTagOwnerRule.instanceTag);
  return [...new Set(keys)];
}
