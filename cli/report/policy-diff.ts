import {
  type PolicyDocument,
  type PolicyStatement,
  unescapeTerraformTemplate,
} from '../../modules/core/policy-document';
import { POLICY_ATTRIBUTES } from '../../modules/core/resource-types';
import type { ResourceChange } from './terraform-plan';

/** The attributes that hold IAM policies, by resource type (the registry's, modules/core/resource-types.ts). */
export { POLICY_ATTRIBUTES };

export interface FieldChange {
  readonly field: string;
  /** Items only in the old statement (for list fields) or the old value. */
  readonly removed: readonly string[];
  /** Items only in the new statement (for list fields) or the new value. */
  readonly added: readonly string[];
}

export interface StatementChange {
  readonly sid: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly effect: string;
  readonly before?: PolicyStatement;
  readonly after?: PolicyStatement;
  readonly fields: readonly FieldChange[];
}

export interface PolicyChange {
  readonly address: string;
  readonly label: string;
  readonly before: PolicyDocument | null;
  readonly after: PolicyDocument | null;
  readonly statements: readonly StatementChange[];
  /** The new value is only known after apply (it depends on a resource not created yet). */
  readonly afterUnknown: boolean;
  /**
   * With `afterUnknown`: the new policy as the configuration writes it (`cdk.tf.json`), Terraform
   * references such as `${aws_kms_key.<id>.arn}` left in place.
   */
  readonly afterAsConfigured?: boolean;
}

/** The policy argument of a planned resource as the configuration writes it, when known. */
export type ConfiguredPolicy = (rc: ResourceChange, attribute: string) => string | undefined;

const FIELDS = [
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;

function parse(value: unknown): PolicyDocument | null {
  if (typeof value !== 'string' || value === '') return null;
  const doc = JSON.parse(value) as PolicyDocument & { Statement: PolicyStatement | PolicyStatement[] };
  return { ...doc, Statement: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] };
}

function keyed(doc: PolicyDocument | null): Map<string, PolicyStatement> {
  const map = new Map<string, PolicyStatement>();
  doc?.Statement.forEach((s, i) => map.set(s.Sid || `#${i + 1}`, s));
  return map;
}

/** Flattens a field into comparable lines: list items one each, objects as key=value lines. */
function lines(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(v as Record<string, unknown>).map(([k2, v2]) => `${k} ${k2} = ${JSON.stringify(v2)}`)
        : lines(v).map((line) => `${k}: ${line}`),
    );
  }
  return [JSON.stringify(value)];
}

function fieldChanges(before: PolicyStatement | undefined, after: PolicyStatement | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of FIELDS) {
    const old = lines(before?.[field as keyof PolicyStatement]);
    const now = lines(after?.[field as keyof PolicyStatement]);
    const removed = old.filter((l) => !now.includes(l));
    const added = now.filter((l) => !old.includes(l));
    if (removed.length > 0 || added.length > 0) changes.push({ field, removed, added });
  }
  return changes;
}

/** Statement-level differences between two policies, matched by Sid (or position when a statement has none). */
export function diffPolicies(before: PolicyDocument | null, after: PolicyDocument | null): StatementChange[] {
  const old = keyed(before);
  const now = keyed(after);
  const changes: StatementChange[] = [];
  for (const [sid, statement] of old) {
    const next = now.get(sid);
    if (!next)
      changes.push({
        sid,
        kind: 'removed',
        effect: statement.Effect,
        before: statement,
        fields: fieldChanges(statement, undefined),
      });
    else {
      const fields = fieldChanges(statement, next);
      if (fields.length > 0)
        changes.push({ sid, kind: 'changed', effect: next.Effect, before: statement, after: next, fields });
    }
  }
  for (const [sid, statement] of now) {
    if (!old.has(sid))
      changes.push({
        sid,
        kind: 'added',
        effect: statement.Effect,
        after: statement,
        fields: fieldChanges(undefined, statement),
      });
  }
  return changes;
}

/**
 * Every policy a resource change touches, decoded from its JSON string and diffed by statement.
 * A new policy known only after apply is diffed as `configured` gives it, when it does.
 */
export function policyChanges(rc: ResourceChange, configured?: ConfiguredPolicy): PolicyChange[] {
  const attributes = POLICY_ATTRIBUTES[rc.type] ?? [];
  const result: PolicyChange[] = [];
  for (const { attribute, label } of attributes) {
    const afterUnknown = rc.change.after_unknown?.[attribute] === true;
    const before = parse(rc.change.before?.[attribute]);
    const after = afterUnknown ? null : parse(rc.change.after?.[attribute]);
    if (afterUnknown) {
      const text = configured?.(rc, attribute);
      const asConfigured = text === undefined ? null : parse(unescapeTerraformTemplate(text));
      result.push({
        address: rc.address,
        label,
        before,
        after: asConfigured,
        statements: asConfigured ? diffPolicies(before, asConfigured) : [],
        afterUnknown,
        ...(asConfigured ? { afterAsConfigured: true } : {}),
      });
      continue;
    }
    const statements = diffPolicies(before, after);
    if (statements.length > 0) result.push({ address: rc.address, label, before, after, statements, afterUnknown });
  }
  return result;
}
