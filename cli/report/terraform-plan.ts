import { InvalidPlanError } from '../errors';

/** The part of `terraform show -json <planfile>` (format 1.x) that the report reads. */

export type ChangeAction = 'no-op' | 'create' | 'read' | 'update' | 'delete';

export interface ResourceChange {
  readonly address: string;
  readonly mode?: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: readonly ChangeAction[];
    readonly before: Readonly<Record<string, unknown>> | null;
    readonly after: Readonly<Record<string, unknown>> | null;
    readonly after_unknown?: Readonly<Record<string, unknown>>;
  };
  readonly action_reason?: string;
}

/** A planned change of a root module output (`after_unknown` is `true` when known only after apply). */
export interface OutputChange {
  readonly actions: readonly ChangeAction[];
  readonly before: unknown;
  readonly after: unknown;
  readonly after_unknown?: unknown;
}

export interface TerraformPlan {
  readonly format_version: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, OutputChange>>;
}

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** Counts as Terraform's own "Plan: N to add, N to change, N to destroy" line does. */
export function countChanges(plan: TerraformPlan): ChangeCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const rc of managedChanges(plan)) {
    const actions = rc.change.actions;
    if (actions.includes('create')) add++;
    if (actions.includes('delete')) destroy++;
    if (actions.includes('update')) change++;
  }
  return { add, change, destroy };
}

export function managedChanges(plan: TerraformPlan): readonly ResourceChange[] {
  return (plan.resource_changes ?? []).filter((rc) => (rc.mode ?? 'managed') === 'managed');
}

export function isReplace(rc: ResourceChange): boolean {
  return rc.change.actions.includes('delete') && rc.change.actions.includes('create');
}

export function isDestroy(rc: ResourceChange): boolean {
  return rc.change.actions.includes('delete') && !rc.change.actions.includes('create');
}

/** The plan in `text` (`terraform show -json <planfile>`); `source` names it in the error. */
export function parsePlan(text: string, source: string): TerraformPlan {
  let plan: TerraformPlan;
  try {
    plan = JSON.parse(text) as TerraformPlan;
  } catch (error) {
    throw new InvalidPlanError(
      `${source}: not JSON (${(error as Error).message}); make it with terraform show -json <planfile>`,
    );
  }
  if (typeof plan?.format_version !== 'string' || !plan.format_version.startsWith('1.')) {
    throw new InvalidPlanError(
      `${source}: not a Terraform JSON plan (format_version ${String(plan?.format_version)}); use terraform show -json <planfile>`,
    );
  }
  return plan;
}
