import { type PolicyJson, policySetTextToParts, policyToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { unescapeTerraformTemplate } from '../../modules/core/policy-document';
import type { ConfiguredPolicy } from './policy-diff';
import type { ResourceChange, TerraformPlan } from './terraform-plan';

/**
 * The just-in-time approval policies a plan changes, document by document: the auto-approval
 * policy's Cedar as a line diff, each manual approval policy's window, targets, approvers and
 * approvals needed as before -> after lines, and the organization's deny-access policy (a stack
 * output) as a Cedar diff. A change that lets more requests through without a person, or with
 * fewer or different people, is a danger, said as loudly as a weakened audit setting.
 *
 * The documents live in the `template_body` of an `aws_cloudformation_stack` (see
 * modules/just-in-time/just-in-time-approval-policies.ts for why), as `AWS::SSM::Document`
 * resources of type `AutoApprovalPolicy` or `ManualApprovalPolicy`.
 */

/** The output that carries the deny-access document (modules/ssm-federated-access/just-in-time.ts). */
export const DENY_ACCESS_OUTPUT = 'just_in_time_deny_access_document';

export type ApprovalLabel = 'auto-approval policy' | 'manual approval policy' | 'deny-access policy';

/** One line of a line diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/** One setting of a manual approval policy, before and after, as text. */
export interface ApprovalSetting {
  /** `access duration (hours)`, `targets` or `minimum approvals`. */
  readonly setting: string;
  /** Absent where the document is new. */
  readonly before?: string;
  /** Absent where the document is deleted. */
  readonly after?: string;
}

export interface ApprovalChange {
  /** The `aws_cloudformation_stack` (or `output.<name>` for the deny-access policy). */
  readonly address: string;
  readonly label: ApprovalLabel;
  /** The SSM document name. */
  readonly document: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Auto-approval and deny-access: the Cedar text, line by line. */
  readonly cedar?: readonly DiffLine[];
  /** Manual approval: the settings that change. */
  readonly settings?: readonly ApprovalSetting[];
  /** Manual approval: approvers (`<type> <name>`) only after, and only before. */
  readonly approvers?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /** Why this change lets more access through (or takes a policy away); empty when it does not. */
  readonly dangers: readonly string[];
  /** A reason the document could not be compared, to check by hand. */
  readonly note?: string;
  /**
   * The new template is only known after apply and was read from the configuration, references
   * such as `${aws_sns_topic.<id>.arn}` left in place.
   */
  readonly afterAsConfigured?: boolean;
}

type Values = Readonly<Record<string, unknown>>;

/** An approval document of a template: its name, type and content. */
interface ApprovalDocument {
  readonly name: string;
  readonly type: 'AutoApprovalPolicy' | 'ManualApprovalPolicy';
  readonly content: Values;
}

const DOCUMENT_TYPES = ['AutoApprovalPolicy', 'ManualApprovalPolicy'] as const;

const isRecord = (value: unknown): value is Values =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The approval documents of a template (JSON text), by document name; undefined when the text is
 * not a JSON template. CloudFormation also takes `Content` as a JSON string.
 */
function approvalDocuments(templateBody: unknown): Map<string, ApprovalDocument> | undefined {
  if (typeof templateBody !== 'string' || templateBody === '') return new Map();
  let template: unknown;
  try {
    template = JSON.parse(templateBody);
  } catch {
    return undefined;
  }
  const documents = new Map<string, ApprovalDocument>();
  const resources = isRecord(template) && isRecord(template.Resources) ? template.Resources : {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || resource.Type !== 'AWS::SSM::Document' || !isRecord(resource.Properties)) continue;
    const { Name: name, DocumentType: type, Content: raw } = resource.Properties;
    if (!DOCUMENT_TYPES.includes(type as ApprovalDocument['type'])) continue;
    let content: unknown = raw;
    if (typeof raw === 'string') {
      try {
        content = JSON.parse(raw);
      } catch {
        content = undefined;
      }
    }
    documents.set(typeof name === 'string' && name !== '' ? name : logicalId, {
      name: typeof name === 'string' && name !== '' ? name : logicalId,
      type: type as ApprovalDocument['type'],
      content: isRecord(content) ? content : {},
    });
  }
  return documents;
}

/** The Cedar text of an auto-approval (or deny-access) document's content. */
function cedarOf(content: Values | undefined): string {
  const docs = content?.AutoApprovalPolicyDocuments;
  if (!Array.isArray(docs)) return '';
  return docs
    .map((d) => (isRecord(d) && typeof d.content === 'string' ? d.content : ''))
    .filter((c) => c !== '')
    .join('\n\n');
}

/** A line diff (longest common subsequence), every line kept so the policy reads whole. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Removed lines before added ones, as git shows them.
      out.push({ op: '-', text: a[i++]! });
    } else out.push({ op: '+', text: b[j++]! });
  }
  return out;
}

/** A Cedar statement reduced to what decides how much it matches. */
interface Statement {
  readonly effect: 'permit' | 'forbid';
  /** Principal, action and resource constraints. */
  readonly scope: string;
  /** The conjuncts of every `when` clause (all must hold). */
  readonly when: ReadonlySet<string>;
  /** Each `unless` clause whole (any one excludes the request). */
  readonly unless: ReadonlySet<string>;
  /** The comment above it in the text, or its position, for the report. */
  readonly title: string;
}

function conjuncts(expr: unknown): string[] {
  if (isRecord(expr) && isRecord(expr['&&'])) {
    const { left, right } = expr['&&'] as { left: unknown; right: unknown };
    return [...conjuncts(left), ...conjuncts(right)];
  }
  return [JSON.stringify(expr)];
}

/** The statements of a policy set, or undefined when the text does not parse. */
function statements(text: string): Statement[] | undefined {
  if (text.trim() === '') return [];
  const parts = policySetTextToParts(text);
  if (parts.type === 'failure') return undefined;
  const result: Statement[] = [];
  let searchFrom = 0;
  for (const [i, part] of parts.policies.entries()) {
    const answer = policyToJson(part);
    if (answer.type === 'failure') return undefined;
    const json: PolicyJson = answer.json;
    const at = text.indexOf(part, searchFrom);
    if (at >= 0) searchFrom = at + part.length;
    // The comment lines right above the statement name it (the project's Cedar writes one per statement).
    const above = at >= 0 ? text.slice(0, at).trimEnd().split('\n') : [];
    const comment = [];
    while (above.length > 0 && above[above.length - 1]!.trim().startsWith('//'))
      comment.unshift(
        above
          .pop()!
          .trim()
          .replace(/^\/\/\s*/, ''),
      );
    const conditions = json.conditions ?? [];
    result.push({
      effect: json.effect,
      scope: JSON.stringify([json.principal, json.action, json.resource]),
      when: new Set(conditions.filter((c) => c.kind === 'when').flatMap((c) => conjuncts(c.body))),
      unless: new Set(conditions.filter((c) => c.kind === 'unless').map((c) => JSON.stringify(c.body))),
      title: comment.length > 0 ? comment.join(' ') : `${json.effect} #${i + 1}`,
    });
  }
  return result;
}

const subset = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].every((x) => b.has(x));

/**
 * Why the new Cedar lets more through than the old, statement by statement. A new permit is no
 * wider than an old one when it has the same scope, every condition of the old one (and maybe
 * more) and every exclusion (`unless`) of the old one; an old forbid still holds when a new one
 * has the same scope and no more conditions or exclusions. Anything else is flagged, so a reviewer
 * reads it: the check is sound, not complete (a rewritten but equivalent statement is flagged too).
 */
export function widenedCedar(before: string, after: string): string[] {
  const old = statements(before);
  const now = statements(after);
  if (!old || !now) return [];
  const dangers: string[] = [];
  for (const p of now.filter((s) => s.effect === 'permit')) {
    const sameScope = old.filter((o) => o.effect === 'permit' && o.scope === p.scope);
    if (sameScope.some((o) => subset(o.when, p.when) && subset(o.unless, p.unless))) continue;
    dangers.push(
      sameScope.some((o) => subset(o.when, p.when))
        ? `exclusion removed: the permit "${p.title}" no longer has an \`unless\` it had (e.g. the restricted-instance exclusion), so it approves those instances without a person`
        : `new permit: "${p.title}" approves requests without a person that no permit before approved`,
    );
  }
  for (const f of old.filter((s) => s.effect === 'forbid')) {
    const held = now.some(
      (n) => n.effect === 'forbid' && n.scope === f.scope && subset(n.when, f.when) && subset(n.unless, f.unless),
    );
    if (!held) dangers.push(`forbid removed or narrowed: "${f.title}" no longer stops every request it stopped`);
  }
  return dangers;
}

/** Hours from a document's `accessDuration` (seconds). */
function hours(content: Values | undefined): number | undefined {
  const seconds = content?.accessDuration;
  return typeof seconds === 'number' ? seconds / 3600 : undefined;
}

function targetsOf(content: Values | undefined): string | undefined {
  const targets = content?.targets;
  if (!Array.isArray(targets)) return undefined;
  return targets
    .map((t) =>
      isRecord(t) ? `${String(t.Key)} = ${Array.isArray(t.Values) ? t.Values.join(' | ') : String(t.Values)}` : '?',
    )
    .join(' or ');
}

/** The `aws:approve` step's inputs. */
function approveInputs(content: Values | undefined): Values {
  const steps = Array.isArray(content?.mainSteps) ? (content!.mainSteps as unknown[]) : [];
  const step = steps.find((s) => isRecord(s) && s.action === 'aws:approve');
  return isRecord(step) && isRecord(step.inputs) ? step.inputs : {};
}

function approversOf(content: Values | undefined): string[] {
  const inputs = approveInputs(content);
  const enhanced = isRecord(inputs.EnhancedApprovals) ? inputs.EnhancedApprovals.Approvers : undefined;
  const list = Array.isArray(enhanced) ? enhanced : Array.isArray(inputs.Approvers) ? inputs.Approvers : [];
  return list.map((a) => (isRecord(a) ? `${String(a.type)} ${String(a.approver)}` : String(a))).sort();
}

function minApprovals(content: Values | undefined): number | undefined {
  const value = approveInputs(content).MinRequiredApprovals;
  return typeof value === 'number' ? value : undefined;
}

const text = (value: number | string | undefined) => (value === undefined ? undefined : String(value));

function manualChange(
  address: string,
  name: string,
  kind: ApprovalChange['kind'],
  before: Values | undefined,
  after: Values | undefined,
  compared: boolean,
): ApprovalChange | undefined {
  const settings: ApprovalSetting[] = [];
  const dangers: string[] = [];
  const setting = (label: string, was: string | undefined, is: string | undefined) => {
    if (was !== is) settings.push({ setting: label, ...(was ? { before: was } : {}), ...(is ? { after: is } : {}) });
  };
  const [wasHours, isHours] = [hours(before), hours(after)];
  setting('access duration (hours)', text(wasHours), text(isHours));
  setting('targets', targetsOf(before), targetsOf(after));
  const [wasMin, isMin] = [minApprovals(before), minApprovals(after)];
  setting('minimum approvals', text(wasMin), text(isMin));
  const [wasApprovers, isApprovers] = [approversOf(before), approversOf(after)];
  const added = isApprovers.filter((a) => !wasApprovers.includes(a));
  const removed = wasApprovers.filter((a) => !isApprovers.includes(a));
  if (compared && after) {
    if (wasHours !== undefined && isHours !== undefined && isHours > wasHours)
      dangers.push(`longer window: approved access lasts ${isHours} hours instead of ${wasHours}`);
    if (wasMin !== undefined && isMin !== undefined && isMin < wasMin)
      dangers.push(`fewer approvals required: ${isMin} instead of ${wasMin}`);
    for (const a of added) dangers.push(`approver added: ${a} can approve access requests`);
  }
  if (kind === 'removed' && compared)
    dangers.push('approval policy deleted: requests for its nodes fall to another policy, or cannot be approved');
  if (kind === 'changed' && settings.length === 0 && added.length === 0 && removed.length === 0) return undefined;
  return {
    address,
    label: 'manual approval policy',
    document: name,
    kind,
    settings,
    approvers: { added, removed },
    dangers,
  };
}

function cedarChange(
  address: string,
  label: ApprovalLabel,
  name: string,
  kind: ApprovalChange['kind'],
  before: string,
  after: string,
  compared: boolean,
): ApprovalChange | undefined {
  if (before === after && kind === 'changed') return undefined;
  const parses = statements(before) !== undefined && statements(after) !== undefined;
  const dangers = compared ? widenedCedar(before, after) : [];
  // Sound means an unreadable change is not taken for a harmless one.
  if (compared && !parses)
    dangers.push('the Cedar does not parse, so whether it widens cannot be told: compare it by hand');
  if (compared && kind === 'removed')
    dangers.push(
      label === 'deny-access policy'
        ? 'deny-access policy removed: once the delegated administrator account applies it, the instances it covered can be auto-approved'
        : 'approval policy deleted: nothing is auto-approved in this account and region any more',
    );
  return { address, label, document: name, kind, cedar: diffLines(before, after), dangers };
}

const kindOf = (before: unknown, after: unknown): ApprovalChange['kind'] =>
  before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';

/**
 * The approval documents one planned CloudFormation stack changes. A template known only after
 * apply is read as `configured` gives it. Nothing is flagged for a stack the plan creates: there
 * is no deployed policy it could widen (as with audit settings of a new resource).
 */
export function approvalChanges(rc: ResourceChange, configured?: ConfiguredPolicy): ApprovalChange[] {
  if (rc.type !== 'aws_cloudformation_stack') return [];
  const { actions, before, after, after_unknown: unknown } = rc.change;
  if (actions.every((a) => a === 'no-op' || a === 'read')) return [];
  const fromConfiguration = unknown?.template_body === true ? configured?.(rc, 'template_body') : undefined;
  const afterBody =
    fromConfiguration !== undefined
      ? unescapeTerraformTemplate(fromConfiguration)
      : after && unknown?.template_body !== true
        ? after.template_body
        : undefined;
  const old = approvalDocuments(before?.template_body);
  const isDeleted = after === null;
  if (!isDeleted && afterBody === undefined) {
    // Known only after apply, and not in the configuration: say it, if the stack held approval documents.
    return old && old.size > 0
      ? [...old.values()].map((d) => ({
          address: rc.address,
          label: labelOf(d.type),
          document: d.name,
          kind: 'changed' as const,
          dangers: [],
          note: 'the new template is known only after apply; compare the documents after the apply',
        }))
      : [];
  }
  const now = approvalDocuments(isDeleted ? '' : afterBody);
  if (!old || !now) {
    const which = !old ? 'deployed' : 'planned';
    return [
      {
        address: rc.address,
        label: 'auto-approval policy',
        document: '(template)',
        kind: 'changed',
        dangers: [],
        note: `the ${which} template is not JSON; compare its approval documents by hand`,
      },
    ];
  }
  // A deployed stack is the baseline: without one, nothing is widened.
  const compared = before !== null;
  const changes: ApprovalChange[] = [];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const was = old.get(name);
    const is = now.get(name);
    const kind = kindOf(was, is);
    const type = (is ?? was)!.type;
    const change =
      type === 'AutoApprovalPolicy'
        ? cedarChange(
            rc.address,
            'auto-approval policy',
            name,
            kind,
            cedarOf(was?.content),
            cedarOf(is?.content),
            compared,
          )
        : manualChange(rc.address, name, kind, was?.content, is?.content, compared);
    if (change) changes.push(fromConfiguration !== undefined ? { ...change, afterAsConfigured: true } : change);
  }
  return changes;
}

function labelOf(type: ApprovalDocument['type']): ApprovalLabel {
  return type === 'AutoApprovalPolicy' ? 'auto-approval policy' : 'manual approval policy';
}

/** The deny-access document's content (JSON text) from an output value. */
function denyCedar(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    const content: unknown = JSON.parse(value);
    return isRecord(content) ? cedarOf(content) : undefined;
  } catch {
    return undefined;
  }
}

/** The deny-access policy's change, from the plan's output changes. */
export function denyAccessChanges(plan: TerraformPlan): ApprovalChange[] {
  const output = plan.output_changes?.[DENY_ACCESS_OUTPUT];
  if (!output || output.actions.every((a) => a === 'no-op' || a === 'read')) return [];
  const address = `output.${DENY_ACCESS_OUTPUT}`;
  const document = 'SSM-JustInTimeAccessDenyAccessOrgPolicy';
  if (output.after_unknown === true)
    return [
      {
        address,
        label: 'deny-access policy',
        document,
        kind: 'changed',
        dangers: [],
        note: 'the new value is known only after apply',
      },
    ];
  const before = denyCedar(output.before);
  const after = denyCedar(output.after);
  const kind = kindOf(before, after);
  const change = cedarChange(address, 'deny-access policy', document, kind, before ?? '', after ?? '', true);
  return change ? [change] : [];
}

/** The approval changes that widen access (or delete a policy), each with its document. */
export function widenedApprovals(
  changes: readonly ApprovalChange[],
): { address: string; label: ApprovalLabel; document: string; danger: string }[] {
  return changes.flatMap((c) =>
    c.dangers.map((danger) => ({ address: c.address, label: c.label, document: c.document, danger })),
  );
}
