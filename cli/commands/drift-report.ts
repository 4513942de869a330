import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, InputFileError, UsageError } from '../errors';
import { type ResourceChange, type TerraformPlan, managedChanges, parsePlan } from '../report/terraform-plan';
import { readMatrixStacks } from './ci-targets';
import { defineCommand } from './command';
import { type GitHubApi, githubFromEnvironment } from './github-api';
import { readShardResults } from './run-shard';

export const DRIFT_REPORT_HELP = `Usage: ssm-federated-access drift-report [options] --dir DIR

Keeps one GitHub issue (label "drift") in step with the scheduled drift check: opens it when a stack
drifted or could not be checked, rewrites its body on the next run while drift remains, and closes
it when every stack is clean again. The body names, per stack, each changed resource that decides
access (IAM roles and policies, SAML and OIDC providers, the Session Manager preferences document,
transcript buckets and their policies, KMS keys, log groups, permission sets, SCPs) with the
attributes that differ, and counts the other changes.

DIR holds what the drift jobs of run-shard produced: results-*.json (--results) and
plans/<stack>.json (the stack's plan.json).

Options:
  --dir DIR            the drift check's results
  --matrix FILE        the environments matrix the drift jobs ran (JSON): a stack of it without a
                       result (its shard's job failed before reporting) counts as not checked, so
                       the issue is not closed on a partial check
  --label NAME         the issue's label (default drift)
  --dry-run            print what would be done and the issue body; call nothing
  -h, --help           show this help

Environment: GITHUB_TOKEN (issues: write), GITHUB_REPOSITORY (owner/name), GITHUB_API_URL
(default https://api.github.com); GITHUB_SERVER_URL and GITHUB_RUN_ID, when set, link the run.
`;

const TITLE = 'Drift: deployed access settings differ from the configuration';
const MARKER = '<!-- ssm-federated-access drift report -->';

/** Resource types whose drift can change who may reach which instance, or what is recorded. */
const ACCESS_RELEVANT = [
  /^aws_iam_/,
  /^aws_ssm_document$/,
  /^aws_s3_bucket/,
  /^aws_kms_/,
  /^aws_cloudwatch_log_group$/,
  /^aws_ssoadmin_/,
  /^aws_organizations_policy/,
];

export interface DriftedStack {
  readonly name: string;
  readonly accountId: string;
  readonly status: 'drifted' | 'failed' | 'not reported';
  /** Changed access-relevant resources: address, actions, attributes that differ. */
  readonly resources: readonly { address: string; actions: string; attributes: readonly string[] }[];
  readonly otherChanges: number;
  readonly error?: string;
}

export const driftReport = defineCommand({
  name: 'drift-report',
  summary: 'open, update or close the one drift issue from the drift check results',
  help: DRIFT_REPORT_HELP,
  options: {
    dir: { type: 'string' },
    label: { type: 'string', default: 'drift' },
    matrix: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  async run({ values }, io) {
    if (values.dir === undefined) throw new UsageError("--dir DIR is required (the drift jobs' results and plans)");
    const expected = values.matrix === undefined ? undefined : readMatrixStacks(io.cwd, values.matrix);
    const drifted = readDrift(resolve(io.cwd, values.dir), expected);
    const runUrl =
      process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID
        ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
        : undefined;
    const body = issueBody(drifted, runUrl);
    if (values['dry-run']) return { code: EXIT.ok, stdout: `${drifted.length > 0 ? body : 'no drift\n'}`, files: [] };
    const github = githubFromEnvironment(process.env, 'issues: write');
    const outcome = await syncIssue(github, values.label, drifted.length > 0 ? body : undefined);
    return { code: EXIT.ok, stdout: `${outcome}\n`, files: [] };
  },
});

/**
 * Reads the drift jobs' results and the plans of the stacks that drifted; with `expected`, a stack
 * with no result is reported as not checked.
 */
export function readDrift(dir: string, expected?: readonly string[]): DriftedStack[] {
  if (!existsSync(dir))
    throw new InputFileError(`--dir ${dir}: no such folder; download the drift jobs' artifacts into it`);
  const results = readShardResults(dir);
  if (results.length === 0 && (expected ?? []).length === 0)
    throw new InputFileError(`--dir ${dir}: no results-*.json; the drift jobs write them with run-shard --results`);
  const reported = new Set(results.map((r) => r.name));
  const notReported: DriftedStack[] = (expected ?? [])
    .filter((name) => !reported.has(name))
    .map((name) => ({ name, accountId: '', status: 'not reported', resources: [], otherChanges: 0 }));
  const found = results
    .filter((r) => r.status === 'drifted' || r.status === 'failed')
    .map((r): DriftedStack => {
      if (r.status === 'failed') {
        const failed = { name: r.name, accountId: r.accountId, resources: [], otherChanges: 0 };
        return { ...failed, status: 'failed', ...(r.error !== undefined ? { error: r.error } : {}) };
      }
      const file = join(dir, 'plans', `${r.name}.json`);
      if (!existsSync(file))
        throw new InputFileError(`${file}: missing; the drift job keeps each drifted stack's plan.json`);
      const changes = changesOf(parsePlan(readFileSync(file, 'utf8'), file));
      return { name: r.name, accountId: r.accountId, status: 'drifted', ...changes };
    });
  return [...found, ...notReported].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The access-relevant changes of a plan, and how many others there are. */
export function changesOf(plan: TerraformPlan): Pick<DriftedStack, 'resources' | 'otherChanges'> {
  const changed = managedChanges(plan).filter((rc) => !rc.change.actions.every((a) => a === 'no-op' || a === 'read'));
  const relevant = changed.filter((rc) => ACCESS_RELEVANT.some((type) => type.test(rc.type)));
  return {
    resources: relevant.map((rc) => ({
      address: rc.address,
      actions: rc.change.actions.join('+'),
      attributes: differingAttributes(rc),
    })),
    otherChanges: changed.length - relevant.length,
  };
}

function differingAttributes(rc: ResourceChange): string[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  if (rc.change.before === null || rc.change.after === null) return [];
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}

export function issueBody(drifted: readonly DriftedStack[], runUrl?: string): string {
  const out = [
    MARKER,
    `The scheduled plan found ${drifted.length} stack${drifted.length === 1 ? '' : 's'} whose accounts differ from the configuration on main${runUrl ? ` ([run](${runUrl}))` : ''}.`,
  ];
  out.push(
    'Someone changed them outside Terraform, or a deploy did not finish. Review each change: an apply restores the configuration.',
    '',
  );
  for (const stack of drifted) {
    if (stack.status === 'not reported') {
      out.push(`### ${stack.name}`, '', 'Not checked: the drift job of its shard did not report.', '');
      continue;
    }
    out.push(`### ${stack.name} (account ${stack.accountId})`);
    if (stack.status === 'failed') {
      out.push(
        '',
        'Could not be checked: the plan failed.',
        '',
        '```',
        (stack.error ?? '').split('\n').slice(0, 10).join('\n'),
        '```',
        '',
      );
      continue;
    }
    for (const r of stack.resources) {
      out.push(
        `- \`${r.address}\` (${r.actions})${r.attributes.length > 0 ? `: ${r.attributes.map((a) => `\`${a}\``).join(', ')}` : ''}`,
      );
    }
    if (stack.otherChanges > 0)
      out.push(`- and ${stack.otherChanges} other resource change${stack.otherChanges === 1 ? '' : 's'}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Opens, updates or closes the drift issue; `body` undefined means everything is clean.
 * Returns what was done, in one line.
 */
export async function syncIssue(github: GitHubApi, label: string, body: string | undefined): Promise<string> {
  const issues = (await github.request(
    'GET',
    `/repos/${github.repository}/issues?state=open&labels=${encodeURIComponent(label)}&per_page=100`,
  )) as { number: number; title: string; body?: string | null; pull_request?: unknown }[];
  const open = issues.find((i) => !i.pull_request && (i.title === TITLE || (i.body ?? '').startsWith(MARKER)));
  const path = (n: number) => `/repos/${github.repository}/issues/${n}`;
  if (body === undefined) {
    if (!open) return 'no drift, no open drift issue: nothing to do';
    await github.request('PATCH', path(open.number), { state: 'closed', state_reason: 'completed' });
    return `no drift: closed issue #${open.number}`;
  }
  if (open) {
    if (open.body === body) return `drift unchanged: issue #${open.number} already says so`;
    await github.request('PATCH', path(open.number), { body });
    return `drift: updated issue #${open.number}`;
  }
  const created = (await github.request('POST', `/repos/${github.repository}/issues`, {
    title: TITLE,
    body,
    labels: [label],
  })) as { number: number };
  return `drift: opened issue #${created.number}`;
}
