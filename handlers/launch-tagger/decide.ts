import { OWNERSHIP_TAG } from '../../modules/core/tag-names';
import type { TaggerConfig } from './config';
import type { RunInstancesEvent, Tag } from './event';
import { isPermissionSetRoleArn } from './permission-set-role';

/** The ownership tag: the session access policy lets `${aws:userid}` start sessions where it matches. */
export const OWNER_TAG_KEY = OWNERSHIP_TAG;
/** The tag a launcher writes with the person's user name (their role session name). */
export const CREATED_BY_TAG_KEY = 'CreatedBy';
/** EC2 accepts up to 1,000 resource ids in one CreateTags call. */
export const MAX_RESOURCES_PER_CREATE_TAGS = 1000;

/** Role session names (what `CreatedBy` must be for `<role id>:<CreatedBy>` to equal someone's `aws:userid`). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** caller: the federated person launched it; tag: a launcher launched it for the person in `CreatedBy`. */
export type Mode = 'caller' | 'tag';

export type SkipReason =
  /** The call failed (`errorCode`): nothing was launched. */
  | 'failed-call'
  /** Neither the federated role (or permission set) nor a configured launcher role made the call. */
  | 'caller-not-configured'
  /** A launcher launched without a `CreatedBy` tag, in the event or on the instances. */
  | 'created-by-missing'
  /** `CreatedBy` is not a role session name, so the owner value could never match anyone's `aws:userid`. */
  | 'created-by-invalid';

/** One owner value and the instances that get it (one CreateTags call per 1,000 of them). */
export interface OwnerTarget {
  readonly owner: string;
  readonly instanceIds: readonly string[];
}

/** An `AwsUserId` that someone else set at launch and that the function overwrites. */
export interface SpoofedOwnerTag {
  readonly instanceId: string;
  readonly value: string;
  readonly replacedBy: string;
}

/** An instance of a tag-mode launch left without an owner, and why. */
export interface UnownedInstance {
  readonly instanceId: string;
  readonly reason: 'created-by-missing' | 'created-by-invalid';
}

export type Decision =
  | {
      readonly kind: 'tag';
      readonly mode: Mode;
      readonly targets: readonly OwnerTarget[];
      readonly spoofed: readonly SpoofedOwnerTag[];
      readonly unowned: readonly UnownedInstance[];
    }
  /**
   * Tag mode, and something is not in the event: `CreatedBy` of `instanceIds` (read it with
   * DescribeInstances; may be none), or the role id of an Identity Center permission set.
   */
  | {
      readonly kind: 'lookup';
      readonly instanceIds: readonly string[];
      readonly known: ReadonlyMap<string, string | undefined>;
    }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly instanceIds: readonly string[] };

/** A decision with nothing left to look up. */
export type FinalDecision = Exclude<Decision, { readonly kind: 'lookup' }>;

/** Who made the call, as the logs report it. */
export interface Caller {
  readonly type: string;
  readonly principalId?: string;
  readonly arn?: string;
  /** The role the session belongs to, for assumed-role callers. */
  readonly roleName?: string;
  /** That role's ARN (with its path), for assumed-role callers. */
  readonly roleArn?: string;
}

export function callerOf(event: RunInstancesEvent): Caller {
  const identity = event.detail.userIdentity;
  const issuer = identity.sessionContext?.sessionIssuer;
  return {
    type: identity.type,
    ...(identity.principalId === undefined ? {} : { principalId: identity.principalId }),
    ...(identity.arn === undefined ? {} : { arn: identity.arn }),
    ...(identity.type === 'AssumedRole' && issuer?.type === 'Role' && issuer.userName !== undefined
      ? { roleName: issuer.userName, ...(issuer.arn === undefined ? {} : { roleArn: issuer.arn }) }
      : {}),
  };
}

/** A session's principal id, `<role id>:<session name>`: the person's `aws:userid`. */
const SESSION_PRINCIPAL_ID = /^AROA[A-Z0-9]{8,124}:[\w+=,.@-]{2,64}$/;

/**
 * Whether the caller is a person's own session: of the SAML federated role, or of the
 * environment's Identity Center permission set role (`AWSReservedSSO_<name>_<suffix>` under the
 * reserved path, in the event's account).
 */
export function isFederatedSession(caller: Caller, config: TaggerConfig, accountId: string): boolean {
  if (caller.principalId === undefined || caller.roleName === undefined) return false;
  if (config.permissionSetName !== undefined) {
    return (
      caller.roleArn !== undefined &&
      isPermissionSetRoleArn(caller.roleArn, config.permissionSetName, accountId) &&
      caller.roleArn.endsWith(`/${caller.roleName}`) &&
      SESSION_PRINCIPAL_ID.test(caller.principalId)
    );
  }
  return caller.roleName === config.federatedRoleName;
}

export function launchedInstanceIds(event: RunInstancesEvent): string[] {
  return (event.detail.responseElements?.instancesSet.items ?? []).map((instance) => instance.instanceId);
}

/** Decides what to do with a launch from the event alone. */
export function decide(event: RunInstancesEvent, config: TaggerConfig): Decision {
  const instanceIds = launchedInstanceIds(event);
  if (event.detail.errorCode !== undefined) return { kind: 'skip', reason: 'failed-call', instanceIds };

  const caller = callerOf(event);
  if (isFederatedSession(caller, config, event.account)) {
    // The session's principal id is `<role id>:<session name>`, exactly the person's aws:userid.
    const targets = [{ owner: caller.principalId!, instanceIds }];
    return { kind: 'tag', mode: 'caller', targets, spoofed: spoofedOwnerTags(event, targets), unowned: [] };
  }
  if (caller.roleName === undefined || !config.launcherRoleNames.has(caller.roleName)) {
    return { kind: 'skip', reason: 'caller-not-configured', instanceIds };
  }

  const known = createdByInEvent(event);
  const missing = instanceIds.filter((id) => known.get(id) === undefined);
  // Identity Center: the permission set role's id is known only at run time (a cached IAM lookup).
  const roleId = config.federatedRoleUniqueId;
  if (missing.length > 0 || roleId === undefined) return { kind: 'lookup', instanceIds: missing, known };
  return decideTagMode(event, roleId, known);
}

/**
 * Tag mode, once every instance's `CreatedBy` is known (or known to be absent): the owner is
 * `<role id>:<CreatedBy>`, the `aws:userid` of that person's session of the federated role
 * (SAML) or of the permission set's role (Identity Center).
 */
export function decideTagMode(
  event: RunInstancesEvent,
  roleUniqueId: string,
  createdBy: ReadonlyMap<string, string | undefined>,
): FinalDecision {
  const instanceIds = launchedInstanceIds(event);
  const byOwner = new Map<string, string[]>();
  const unowned: UnownedInstance[] = [];
  for (const instanceId of instanceIds) {
    const name = createdBy.get(instanceId);
    if (name === undefined) unowned.push({ instanceId, reason: 'created-by-missing' });
    else if (!SESSION_NAME.test(name)) unowned.push({ instanceId, reason: 'created-by-invalid' });
    else {
      const owner = `${roleUniqueId}:${name}`;
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), instanceId]);
    }
  }
  if (byOwner.size === 0) {
    const invalid = unowned.some((u) => u.reason === 'created-by-invalid');
    return { kind: 'skip', reason: invalid ? 'created-by-invalid' : 'created-by-missing', instanceIds };
  }
  const targets = [...byOwner].map(([owner, ids]) => ({ owner, instanceIds: ids }));
  return { kind: 'tag', mode: 'tag', targets, spoofed: spoofedOwnerTags(event, targets), unowned };
}

/** `CreatedBy` per launched instance as the event shows it: the instance's own tags, else the request's. */
export function createdByInEvent(event: RunInstancesEvent): Map<string, string | undefined> {
  const requested = tagValue(instanceTagsRequested(event), CREATED_BY_TAG_KEY);
  return new Map(
    (event.detail.responseElements?.instancesSet.items ?? []).map((instance) => [
      instance.instanceId,
      tagValue(instance.tagSet?.items ?? [], CREATED_BY_TAG_KEY) ?? requested,
    ]),
  );
}

/** Owner tags set at launch (by the caller, not by this function) that differ from the decided owner. */
export function spoofedOwnerTags(event: RunInstancesEvent, targets: readonly OwnerTarget[]): SpoofedOwnerTag[] {
  const ownerOf = new Map(targets.flatMap((t) => t.instanceIds.map((id) => [id, t.owner] as const)));
  const requested = tagValue(instanceTagsRequested(event), OWNER_TAG_KEY);
  const spoofed: SpoofedOwnerTag[] = [];
  for (const instance of event.detail.responseElements?.instancesSet.items ?? []) {
    const owner = ownerOf.get(instance.instanceId);
    const value = tagValue(instance.tagSet?.items ?? [], OWNER_TAG_KEY) ?? requested;
    if (owner !== undefined && value !== undefined && value !== owner) {
      spoofed.push({ instanceId: instance.instanceId, value, replacedBy: owner });
    }
  }
  return spoofed;
}

/** Splits ids into CreateTags-sized batches. */
export function batches<T>(items: readonly T[], size = MAX_RESOURCES_PER_CREATE_TAGS): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function instanceTagsRequested(event: RunInstancesEvent): Tag[] {
  return (event.detail.requestParameters?.tagSpecificationSet?.items ?? [])
    .filter((spec) => spec.resourceType === 'instance')
    .flatMap((spec) => spec.tags);
}

function tagValue(tags: readonly Tag[], key: string): string | undefined {
  return tags.find((tag) => tag.key === key)?.value;
}
