import type { TaggerConfig } from './config';
import {
  type Caller,
  type FinalDecision,
  type Mode,
  type OwnerTarget,
  type SkipReason,
  type SpoofedOwnerTag,
  type UnownedInstance,
  callerOf,
  decide,
  decideTagMode,
} from './decide';
import { MalformedEventError, PermissionSetNotProvisionedError } from './errors';
import { parseRunInstancesEvent } from './event';
import type { PermissionSetRole } from './permission-set-role';
import { type Ec2, type LookupOptions, lookUpCreatedBy, tagOwners } from './tag';

/** Structured logging with a fixed message and data (Powertools' Logger fits). */
export interface DecisionLogger {
  info(message: string, data: Record<string, unknown>): void;
  warn(message: string, data: Record<string, unknown>): void;
  error(message: string, data: Record<string, unknown>): void;
}

export interface HandlerDependencies {
  readonly config: TaggerConfig;
  readonly ec2: Ec2;
  readonly logger: DecisionLogger;
  readonly lookup?: LookupOptions;
  /**
   * Identity Center: the permission set's role, looked up with IAM and cached
   * (`cachedPermissionSetRole`). Needed in tag mode only.
   */
  readonly permissionSetRole?: () => Promise<PermissionSetRole>;
}

interface OutcomeBase {
  /** EventBridge event id (what a replay from the dead-letter queue carries). */
  readonly eventId: string;
  readonly cloudTrailEventId: string;
  readonly caller: Caller;
  /** EC2 and IAM API calls this event made (SDK retries not counted). */
  readonly awsCalls: number;
}

export type Outcome =
  | (OutcomeBase & {
      readonly result: 'tagged';
      readonly mode: Mode;
      readonly targets: readonly OwnerTarget[];
      readonly spoofed: readonly SpoofedOwnerTag[];
      readonly unowned: readonly UnownedInstance[];
    })
  | (OutcomeBase & {
      readonly result: 'skipped';
      readonly reason: SkipReason;
      readonly instanceIds: readonly string[];
    });

/** Reasons that mean a launcher misbehaves (an instance nobody can own), not just "not ours". */
const WARN_REASONS: ReadonlySet<SkipReason> = new Set(['created-by-missing', 'created-by-invalid']);

/**
 * Parses the event, decides, makes the calls, and writes one log line for the decision. Anything
 * that goes wrong is logged and thrown: Lambda retries, then the dead-letter queue keeps the event.
 */
export async function handleEvent(raw: unknown, deps: HandlerDependencies): Promise<Outcome> {
  const { config, ec2, logger } = deps;
  let event;
  try {
    event = parseRunInstancesEvent(raw);
  } catch (error) {
    if (error instanceof MalformedEventError) {
      logger.error('Rejected a malformed event', { eventId: error.eventId ?? null, issues: error.issues });
    }
    throw error;
  }

  const base = { eventId: event.id, cloudTrailEventId: event.detail.eventID, caller: callerOf(event) };
  let awsCalls = 0;
  try {
    const first = decide(event, config);
    let decision: FinalDecision;
    if (first.kind === 'lookup') {
      const createdBy = new Map(first.known);
      if (first.instanceIds.length > 0) {
        const lookup = await lookUpCreatedBy(ec2, first.instanceIds, deps.lookup);
        awsCalls += lookup.calls;
        for (const [id, value] of lookup.createdBy) createdBy.set(id, value);
      }
      decision = decideTagMode(event, await roleIdFor(deps, (calls) => (awsCalls += calls)), createdBy);
    } else {
      decision = first;
    }
    if (decision.kind === 'skip') {
      const outcome: Outcome = {
        ...base,
        awsCalls,
        result: 'skipped',
        reason: decision.reason,
        instanceIds: decision.instanceIds,
      };
      if (WARN_REASONS.has(decision.reason)) logger.warn('Skipped a launch', { ...outcome });
      else logger.info('Skipped a launch', { ...outcome });
      return outcome;
    }
    awsCalls += await tagOwners(ec2, decision.targets);
    const outcome: Outcome = {
      ...base,
      awsCalls,
      result: 'tagged',
      mode: decision.mode,
      targets: decision.targets,
      spoofed: decision.spoofed,
      unowned: decision.unowned,
    };
    if (decision.spoofed.length > 0) logger.warn('Overwrote a spoofed owner tag', { ...outcome });
    else if (decision.unowned.length > 0) logger.warn('Tagged a launch, some instances have no owner', { ...outcome });
    else logger.info('Tagged a launch', { ...outcome });
    return outcome;
  } catch (error) {
    if (error instanceof PermissionSetNotProvisionedError) {
      // Not a fault of the function: the event is kept (retries, then the dead-letter queue) for a replay.
      logger.warn('Deferred a launch', {
        ...base,
        awsCalls,
        reason: 'permission-set-not-provisioned',
        permissionSetName: error.permissionSetName,
        error,
      });
    } else {
      logger.error('Failed to tag a launch', { ...base, awsCalls, error });
    }
    throw error;
  }
}

/** The role id tag-mode owners start with: the SAML role's from the deployment, else the permission set role's. */
async function roleIdFor(deps: HandlerDependencies, countCalls: (calls: number) => void): Promise<string> {
  if (deps.config.federatedRoleUniqueId !== undefined) return deps.config.federatedRoleUniqueId;
  if (!deps.permissionSetRole) throw new Error('launch tagger: no permission set role lookup for Identity Center');
  const role = await deps.permissionSetRole();
  countCalls(role.calls);
  return role.roleId;
}
