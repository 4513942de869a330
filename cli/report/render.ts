import type { AccessChanges, MatrixRow } from './access-diff';
import { type ApprovalChange, widenedApprovals } from './approval-diff';
import { type SettingChange, type SettingsChange, weakenedSettings } from './audit-settings';
import type { Danger } from './dangers';
import type { FieldChange, PolicyChange, StatementChange } from './policy-diff';
import type { ChangeCounts } from './terraform-plan';

/** The access part of a stack's report: the matrix before and after, or why there is none. */
export interface AccessPart {
  /** Access gained and lost, and the whole matrix (from the access matrix before and after). */
  readonly access?: AccessChanges;
  /** Why there is no access part, in one line (no access constructs, no evaluator). */
  readonly accessNote?: string;
}

/** One stack's part of the report. */
export interface EnvironmentReport extends AccessPart {
  readonly name: string;
  readonly mode: 'live' | 'offline';
  readonly counts: ChangeCounts;
  readonly dangers: readonly Danger[];
  readonly policies: readonly PolicyChange[];
  /** Audit settings the plan changes (preferences, log retention, bucket lifecycles). */
  readonly settings: readonly SettingsChange[];
  /** Just-in-time approval policies the plan changes (auto-approval, manual approval, deny-access). */
  readonly approvals: readonly ApprovalChange[];
}

export const REPORT_MARKER = '<!-- ssm-federated-access plan report -->';

function fieldLines(field: FieldChange): string[] {
  return [...field.removed.map((l) => `- ${field.field}: ${l}`), ...field.added.map((l) => `+ ${field.field}: ${l}`)];
}

function statementBlock(s: StatementChange): string[] {
  const title = {
    added: `added ${s.effect} statement \`${s.sid}\``,
    removed: `removed ${s.effect} statement \`${s.sid}\``,
    changed: `changed ${s.effect} statement \`${s.sid}\``,
  }[s.kind];
  return [`- ${title}`, '', '  ```diff', ...s.fields.flatMap(fieldLines).map((l) => `  ${l}`), '  ```', ''];
}

function policyBlock(p: PolicyChange): string[] {
  const head = `**${p.label}** of \`${p.address}\``;
  if (p.afterUnknown && !p.afterAsConfigured)
    return [`${head}: the new policy is known only after apply (it refers to a resource not created yet).`, ''];
  if (p.afterUnknown)
    return [
      `${head}, as configured (Terraform fills in the \`\${...}\` references at apply):`,
      '',
      ...p.statements.flatMap(statementBlock),
    ];
  return [head, '', ...p.statements.flatMap(statementBlock)];
}

/** One setting as a line: `setting`: before -> after, and why it weakens the audit. */
export function settingLine(s: SettingChange): string {
  return `${s.setting}: ${s.before ?? '(not set)'} -> ${s.after ?? '(not set)'}`;
}

function settingsBlock(c: SettingsChange): string[] {
  const how = c.afterAsConfigured ? ', as configured (Terraform fills in the `${...}` references at apply)' : '';
  return [
    `**${c.label}** of \`${c.address}\`${how}`,
    '',
    ...c.settings.map(
      (s) =>
        `- \`${s.setting}\`: \`${s.before ?? '(not set)'}\` -> \`${s.after ?? '(not set)'}\`${s.danger ? ` :warning: **${s.danger}**` : ''}`,
    ),
    '',
  ];
}

/** What happens to an approval document, in words. */
export const APPROVAL_KIND: Readonly<Record<ApprovalChange['kind'], string>> = {
  added: 'new',
  removed: 'deleted',
  changed: 'changed',
};

function approvalBlock(c: ApprovalChange): string[] {
  const how = c.afterAsConfigured ? ', as configured (Terraform fills in the `${...}` references at apply)' : '';
  const out = [`**${c.label}** \`${c.document}\` in \`${c.address}\` (${APPROVAL_KIND[c.kind]})${how}`, ''];
  if (c.note) out.push(`> [!NOTE]`, `> ${c.note}.`, '');
  if (c.cedar && c.cedar.length > 0) out.push('```diff', ...c.cedar.map((l) => `${l.op}${l.text}`), '```', '');
  const warn = (match: (danger: string) => boolean) => {
    const found = c.dangers.find(match);
    return found ? ` :warning: **${found}**` : '';
  };
  const items = [
    ...(c.settings ?? []).map(
      (s) =>
        `- \`${s.setting}\`: \`${s.before ?? '(not set)'}\` -> \`${s.after ?? '(not set)'}\`${warn((d) => d.startsWith(DANGER_OF_SETTING[s.setting] ?? '\u0000'))}`,
    ),
    ...(c.approvers?.added ?? []).map((a) => `- approver added: \`${a}\`${warn((d) => d.includes(`: ${a} `))}`),
    ...(c.approvers?.removed ?? []).map((a) => `- approver removed: \`${a}\``),
  ];
  if (items.length > 0) out.push(...items, '');
  return out;
}

/** Which danger a manual approval setting's line carries. */
const DANGER_OF_SETTING: Readonly<Record<string, string>> = {
  'access duration (hours)': 'longer window',
  'minimum approvals': 'fewer approvals',
};

export function renderEnvironment(env: EnvironmentReport): string {
  const out: string[] = [];
  const { add, change, destroy } = env.counts;
  out.push(`### ${env.name}${env.mode === 'offline' ? ' (offline plan: compared with an empty account)' : ''}`, '');
  out.push(`**${add} to add, ${change} to change, ${destroy} to destroy**`, '');
  for (const d of env.dangers) {
    out.push(
      `> [!CAUTION]`,
      `> **${d.what.toUpperCase()}: \`${d.address}\`**, a ${d.description}.${d.reason ? ` Reason: ${d.reason}.` : ''}`,
      '',
    );
  }
  for (const w of weakenedSettings(env.settings)) {
    out.push(
      `> [!CAUTION]`,
      `> **WEAKENED: \`${w.address}\`**, ${w.label}: ${w.change.danger} (\`${settingLine(w.change)}\`).`,
      '',
    );
  }
  for (const w of widenedApprovals(env.approvals)) {
    out.push(`> [!CAUTION]`, `> **WIDENED: \`${w.address}\`**, ${w.label} \`${w.document}\`: ${w.danger}.`, '');
  }
  if (env.policies.length > 0) {
    out.push('#### Policy changes', '');
    for (const p of env.policies) out.push(...policyBlock(p));
  }
  if (env.settings.length > 0) {
    out.push('#### Audit settings', '');
    for (const c of env.settings) out.push(...settingsBlock(c));
  }
  if (env.approvals.length > 0) {
    out.push('#### Approval policies', '');
    for (const c of env.approvals) out.push(...approvalBlock(c));
  }
  const access = env.access;
  if (access && (access.gained.length > 0 || access.lost.length > 0)) {
    out.push('#### Access changes', '');
    for (const line of access.gained) out.push(`- :unlock: gained: ${line}`);
    for (const line of access.lost) out.push(`- :lock: lost: ${line}`);
    out.push('');
  }
  if (add + change + destroy === 0) out.push('No changes.', '');
  if (env.accessNote) out.push('> [!NOTE]', `> ${env.accessNote}`, '');
  if (access) out.push(...matrixTable(access));
  return out.join('\n');
}

/** What a decision cell says. */
export const DECISION_LABEL: Readonly<Record<string, string>> = {
  Allowed: 'allowed',
  ImplicitlyDenied: 'denied',
  ExplicitlyDenied: 'denied (explicit)',
};

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The cells of one matrix row, in table order: the Markdown table and the HTML grid share them. */
export function matrixCells(row: MatrixRow): string[] {
  return [
    row.area,
    row.principal,
    row.action,
    row.resource,
    row.description,
    row.before ? DECISION_LABEL[row.before] : '-',
    DECISION_LABEL[row.after],
    row.change ?? '',
    row.asExpected ? 'yes' : `NO (expected ${DECISION_LABEL[row.expected]})`,
  ];
}

export const MATRIX_HEADERS = [
  'Area',
  'Principal',
  'Action',
  'Resource',
  'Case',
  'Before',
  'After',
  'Change',
  'As expected',
] as const;

function matrixTable(access: AccessChanges): string[] {
  const allowed = access.rows.filter((r) => r.after === 'Allowed').length;
  const unexpected = access.rows.filter((r) => !r.asExpected).length;
  return [
    `<details><summary>Access matrix after the plan: ${access.rows.length} cases, ${allowed} allowed, ${access.gained.length} gained, ${access.lost.length} lost${unexpected > 0 ? `, <b>${unexpected} not as expected</b>` : ''}</summary>`,
    '',
    `| ${MATRIX_HEADERS.join(' | ')} |`,
    `| ${MATRIX_HEADERS.map(() => '---').join(' | ')} |`,
    ...access.rows.map((row) => {
      const [area, principal, action, resource, ...rest] = matrixCells(row).map(cell);
      return `| ${[area, principal, `\`${action}\``, `\`${resource}\``, ...rest].join(' | ')} |`;
    }),
    '',
    '</details>',
    '',
  ];
}

/**
 * Which of the app's stacks the report covers, when only the changed ones were planned (from
 * changed-stacks or `--base`): each list is a line under the heading, left out when empty.
 */
export interface StackSelection {
  /** New or changed stacks without a plan: their plan jobs failed. */
  readonly notPlanned: readonly string[];
  /** New stacks, planned against an empty state. */
  readonly added: readonly string[];
  /** Stacks the base has and the app no longer does: not planned. */
  readonly deleted: readonly string[];
  /** Stacks whose synthesized configuration is the base's: not planned. */
  readonly unchanged: readonly string[];
}

function selectionLines(selection: StackSelection): string[] {
  const lines = [
    [selection.notPlanned, '**not planned** (new or changed, but no plan: see the failed plan jobs)'],
    [selection.added, 'new stacks (planned against an empty state)'],
    [
      selection.deleted,
      'deleted stacks (not planned; their resources stay in their accounts until destroyed with terraform destroy)',
    ],
    [selection.unchanged, 'configuration unchanged'],
  ] as const;
  const out = lines.filter(([names]) => names.length > 0).map(([names, what]) => `- ${what}: ${names.join(', ')}`);
  return out.length > 0 ? [...out, ''] : [];
}

/** The whole Markdown report: the summary table, then each stack's part. */
export function renderReport(environments: readonly EnvironmentReport[], selection?: StackSelection): string {
  const out = [REPORT_MARKER, '## Terraform plan review', ''];
  if (selection) out.push(...selectionLines(selection));
  out.push(
    '| environment | add | change | destroy | destroyed or replaced audit/identity resources | policy changes | weakened audit settings | widened approvals |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const env of environments) {
    const flag = (n: number) => (n > 0 ? `**${n}** :warning:` : '0');
    out.push(
      `| ${env.name} | ${env.counts.add} | ${env.counts.change} | ${env.counts.destroy} | ${flag(env.dangers.length)} | ${env.policies.length} | ${flag(weakenedSettings(env.settings).length)} | ${flag(widenedApprovals(env.approvals).length)} |`,
    );
  }
  out.push('');
  for (const env of environments) out.push(renderEnvironment(env));
  return `${out.join('\n').trimEnd()}\n`;
}
