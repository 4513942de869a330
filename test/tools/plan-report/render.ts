import type { Danger } from './dangers';
import type { FieldChange, PolicyChange, StatementChange } from './policy-diff';
import type { ChangeCounts } from './terraform-plan';

/** One environment's part of the report. */
export interface EnvironmentReport {
  readonly name: string;
  readonly mode: 'live' | 'offline';
  readonly counts: ChangeCounts;
  readonly dangers: readonly Danger[];
  readonly policies: readonly PolicyChange[];
  /** Access gained and lost, in words (from the access matrix before and after). */
  readonly access: { readonly gained: readonly string[]; readonly lost: readonly string[] };
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
  if (p.afterUnknown)
    return [`${head}: the new policy is known only after apply (it refers to a resource not created yet).`, ''];
  return [head, '', ...p.statements.flatMap(statementBlock)];
}

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
  if (env.policies.length > 0) {
    out.push('#### Policy changes', '');
    for (const p of env.policies) out.push(...policyBlock(p));
  }
  if (env.access.gained.length > 0 || env.access.lost.length > 0) {
    out.push('#### Access changes', '');
    for (const line of env.access.gained) out.push(`- :unlock: gained: ${line}`);
    for (const line of env.access.lost) out.push(`- :lock: lost: ${line}`);
    out.push('');
  }
  if (add + change + destroy === 0) out.push('No changes.', '');
  return out.join('\n');
}

export function renderReport(environments: readonly EnvironmentReport[]): string {
  const out = [REPORT_MARKER, '## Terraform plan review', ''];
  out.push(
    '| environment | add | change | destroy | destroyed or replaced audit/identity resources | policy changes |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const env of environments) {
    const flag = env.dangers.length > 0 ? `**${env.dangers.length}** :warning:` : '0';
    out.push(
      `| ${env.name} | ${env.counts.add} | ${env.counts.change} | ${env.counts.destroy} | ${flag} | ${env.policies.length} |`,
    );
  }
  out.push('');
  for (const env of environments) out.push(renderEnvironment(env));
  return `${out.join('\n').trimEnd()}\n`;
}
