import type { MatrixRow } from './access-diff';
import { type ApprovalChange, widenedApprovals } from './approval-diff';
import { type SettingsChange, weakenedSettings } from './audit-settings';
import {
  APPROVAL_KIND,
  DECISION_LABEL,
  type EnvironmentReport,
  MATRIX_HEADERS,
  matrixCells,
  settingLine,
} from './render';

/**
 * The report as one self-contained HTML page, for a job summary artifact: per stack the counts,
 * the dangerous changes and the access matrix as a colour-coded grid (who, by action and target,
 * before and after the plan, with access gained and lost highlighted). No scripts, no external
 * styles or fonts, nothing fetched: it renders the same offline.
 */

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px; color: #1f2328; background: #fff; }
h3 { font-size: 14px; margin: 14px 0 4px; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 24px 0 6px; }
p.counts { margin: 4px 0; }
p.note { margin: 6px 0; padding: 6px 10px; border-left: 4px solid #0969da; background: #ddf4ff; }
p.caution { margin: 6px 0; padding: 6px 10px; border-left: 4px solid #cf222e; background: #ffebe9; }
ul.legend { list-style: none; padding: 0; margin: 8px 0; display: flex; gap: 12px; flex-wrap: wrap; }
ul.legend li { display: flex; align-items: center; gap: 4px; }
table.grid { border-collapse: collapse; margin: 6px 0 16px; }
table.grid th, table.grid td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
table.grid th { background: #f6f8fa; position: sticky; top: 0; }
table.grid tr.principal th { background: #eaeef2; font-size: 13px; }
table.grid td code { font-size: 11.5px; white-space: nowrap; }
table.grid td.target code { color: #57606a; margin-left: 6px; }
td.decision { width: 7em; text-align: center; font-weight: 600; white-space: nowrap; }
.allowed { background: #dafbe1; color: #116329; }
.denied { background: #eaeef2; color: #57606a; }
.explicit { background: #ffebe9; color: #a40e26; }
.none { background: #fff; color: #8c959f; }
tr.gained td { box-shadow: inset 0 2px 0 #bf8700, inset 0 -2px 0 #bf8700; }
tr.gained td.change { background: #fff8c5; color: #7d4e00; font-weight: 700; }
tr.lost td { box-shadow: inset 0 2px 0 #0969da, inset 0 -2px 0 #0969da; }
tr.lost td.change { background: #ddf4ff; color: #0550ae; font-weight: 700; }
td.unexpected { background: #cf222e; color: #fff; font-weight: 700; white-space: nowrap; }
table.grid td:first-child { white-space: nowrap; }
ul.settings li.weakened { color: #a40e26; }
pre.cedar { margin: 4px 0 10px; padding: 6px 10px; background: #f6f8fa; font-size: 11.5px; }
pre.cedar .added { background: #dafbe1; color: #116329; }
pre.cedar .removed { background: #ffebe9; color: #a40e26; }
span.swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #d0d7de; }
`;

function decisionClass(decision: string | undefined): string {
  if (decision === undefined) return 'none';
  return decision === 'Allowed' ? 'allowed' : decision === 'ExplicitlyDenied' ? 'explicit' : 'denied';
}

function rowHtml(row: MatrixRow): string {
  const cells = matrixCells(row);
  const data = MATRIX_HEADERS.map(
    (header, i) => `data-${header.toLowerCase().replace(/ /g, '-')}="${escape(cells[i])}"`,
  );
  return [
    `<tr class="case${row.change ? ` ${row.change}` : ''}" ${data.join(' ')}>`,
    `<td>${escape(row.area)}</td>`,
    `<td><code>${escape(row.action)}</code></td>`,
    `<td class="target">${escape(row.description)}<code>${escape(row.resource)}</code></td>`,
    `<td class="decision ${decisionClass(row.before)}">${escape(cells[5])}</td>`,
    `<td class="decision ${decisionClass(row.after)}">${escape(cells[6])}</td>`,
    `<td class="change">${escape(cells[7])}</td>`,
    row.asExpected ? '<td>yes</td>' : `<td class="unexpected">${escape(cells[8])}</td>`,
    '</tr>',
  ].join('');
}

function grid(rows: readonly MatrixRow[], css: 'matrix' | 'changes'): string {
  // People and roles as row groups, in the order the matrix first names them.
  const principals = [...new Set(rows.map((r) => r.principal))];
  const body = principals.flatMap((principal) => [
    `<tr class="principal"><th colspan="7">${escape(principal)}</th></tr>`,
    ...rows.filter((r) => r.principal === principal).map(rowHtml),
  ]);
  return [
    `<table class="grid ${css}">`,
    '<thead><tr><th>Area</th><th>Action</th><th>Target</th><th>Before</th><th>After</th><th>Change</th><th>As expected</th></tr></thead>',
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function settingsList(c: SettingsChange): string {
  const items = c.settings.map(
    (s) =>
      `<li${s.danger ? ' class="weakened"' : ''}><code>${escape(settingLine(s))}</code>${s.danger ? ` <b>${escape(s.danger)}</b>` : ''}</li>`,
  );
  return `<p><b>${escape(c.label.replace(/`/g, ''))}</b> of <code>${escape(c.address)}</code></p>\n<ul class="settings">${items.join('')}</ul>`;
}

function approvalSection(c: ApprovalChange): string {
  const lines = (c.cedar ?? []).map((l) => {
    const line = escape(`${l.op}${l.text}`);
    return l.op === '+'
      ? `<span class="added">${line}</span>`
      : l.op === '-'
        ? `<span class="removed">${line}</span>`
        : line;
  });
  const items = [
    ...(c.settings ?? []).map((s) => `${s.setting}: ${s.before ?? '(not set)'} -> ${s.after ?? '(not set)'}`),
    ...(c.approvers?.added ?? []).map((a) => `approver added: ${a}`),
    ...(c.approvers?.removed ?? []).map((a) => `approver removed: ${a}`),
  ];
  return [
    `<p><b>${escape(c.label)}</b> <code>${escape(c.document)}</code> in <code>${escape(c.address)}</code> (${APPROVAL_KIND[c.kind]})</p>`,
    ...(c.note ? [`<p class="note">${escape(c.note)}.</p>`] : []),
    ...(lines.length > 0 ? [`<pre class="cedar">${lines.join('\n')}</pre>`] : []),
    ...(items.length > 0
      ? [`<ul class="settings">${items.map((i) => `<li><code>${escape(i)}</code></li>`).join('')}</ul>`]
      : []),
  ].join('\n');
}

function stackSection(env: EnvironmentReport): string {
  const { add, change, destroy } = env.counts;
  const out = [
    `<section class="stack" data-stack="${escape(env.name)}">`,
    `<h2>${escape(env.name)}${env.mode === 'offline' ? ' (offline plan: compared with an empty account)' : ''}</h2>`,
    `<p class="counts"><b>${add}</b> to add, <b>${change}</b> to change, <b>${destroy}</b> to destroy; ${env.policies.length} policy change(s)</p>`,
    ...env.dangers.map(
      (d) =>
        `<p class="caution"><b>${d.what.toUpperCase()}</b>: <code>${escape(d.address)}</code>, a ${escape(d.description)}.${d.reason ? ` Reason: ${escape(d.reason)}.` : ''}</p>`,
    ),
    ...weakenedSettings(env.settings).map(
      (w) =>
        `<p class="caution"><b>WEAKENED</b>: <code>${escape(w.address)}</code>, ${escape(w.label.replace(/`/g, ''))}: ${escape(w.change.danger!)} (<code>${escape(settingLine(w.change))}</code>).</p>`,
    ),
    ...widenedApprovals(env.approvals).map(
      (w) =>
        `<p class="caution"><b>WIDENED</b>: <code>${escape(w.address)}</code>, ${escape(w.label)} <code>${escape(w.document)}</code>: ${escape(w.danger.replace(/`/g, ''))}.</p>`,
    ),
    ...(env.settings.length > 0 ? ['<h3>Audit settings</h3>', ...env.settings.map(settingsList)] : []),
    ...(env.approvals.length > 0 ? ['<h3>Approval policies</h3>', ...env.approvals.map(approvalSection)] : []),
  ];
  if (env.accessNote) out.push(`<p class="note">${escape(env.accessNote)}</p>`);
  if (env.access) {
    const allowed = env.access.rows.filter((r) => r.after === 'Allowed').length;
    const changed = env.access.rows.filter((r) => r.change);
    out.push(
      `<p class="counts">Access matrix: ${env.access.rows.length} cases, ${allowed} allowed after the plan, ${env.access.gained.length} gained, ${env.access.lost.length} lost.</p>`,
      ...(changed.length > 0 ? ['<h3>Access gained and lost</h3>', grid(changed, 'changes')] : []),
      '<h3>The whole matrix</h3>',
      grid(env.access.rows, 'matrix'),
    );
  }
  out.push('</section>');
  return out.join('\n');
}

export function renderHtml(reports: readonly EnvironmentReport[]): string {
  const legend = [
    ['allowed', DECISION_LABEL.Allowed],
    ['denied', DECISION_LABEL.ImplicitlyDenied],
    ['explicit', DECISION_LABEL.ExplicitlyDenied],
    ['none', 'not deployed'],
  ]
    .map(([css, label]) => `<li><span class="swatch ${css}"></span>${escape(label)}</li>`)
    .join('');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing may be fetched: the page is read offline, as an artifact.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Terraform plan review: access matrix</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<h1>Terraform plan review: access matrix</h1>',
    `<ul class="legend">${legend}<li><span class="swatch" style="background:#fff8c5;border-color:#bf8700"></span>gained</li><li><span class="swatch" style="background:#ddf4ff;border-color:#0969da"></span>lost</li></ul>`,
    ...reports.map(stackSection),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
