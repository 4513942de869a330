import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { EVALUATOR_HINT, evaluatorAvailable } from '../access/evaluator';
import { NoAccessModelError, readStackAccess } from '../access/read-stack';
import { EXIT, InputFileError, UsageError } from '../errors';
import { accessDiff } from '../report/access-diff';
import { buildEnvironmentReport } from '../report/build-report';
import { renderHtml } from '../report/html';
import { type AccessPart, type EnvironmentReport, type StackSelection, renderReport } from '../report/render';
import { type TerraformPlan, parsePlan } from '../report/terraform-plan';
import { loadApp, selectStacks } from '../stacks/load-stacks';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import { planLive, planOfflineJson, terraformVersion } from '../terraform';
import { changedStackNames, compareApps, readStackChanges } from './changed-stacks';
import { defineCommand } from './command';
import { mapConcurrently } from './map-concurrently';

export const PLAN_REPORT_HELP = `Usage: ssm-federated-access plan-report [options] [STACK ...]

Plans each stack of a CDKTF app and writes one Markdown report for pull-request review: per stack
the counts to add, change and destroy; every IAM, key, bucket, queue, permission-set and SCP policy
that changes, as a statement-level diff; a CAUTION block for each destroyed or replaced transcript
bucket, log group, KMS key, SAML provider, federated role or permission set; every audit setting that
changes (the Session Manager preferences, log group retention, bucket lifecycle days) as a
before -> after line, with a CAUTION block for each that weakens the audit (run-as or logging
turned off, encryption removed, retention shortened); every just-in-time approval policy that
changes (the auto-approval and deny-access Cedar as a line diff, each manual approval policy's
window, targets, approvals needed and approvers), with a CAUTION block for each change that widens
approvals (a new or wider permit, a removed exclusion or forbid, a longer window, fewer approvals,
an added approver, a deleted document); and the access matrix before and after the plan, as access
gained and lost. The matrix comes from the constructs of
ssm-federated-access that the stacks use; it needs the optional IAM evaluator (AGPL-3.0):
  npm install --save-dev @cloud-copilot/iam-simulate @cloud-copilot/iam-policy

Options:
  --out DIR            read the synthesized app in DIR (a cdktf.out folder with manifest.json)
                       instead of synthesizing the app of ./cdktf.json
  --offline            plan without AWS: dummy credentials, a local backend and no account guard,
                       so the plan is against an empty account (everything allowed is "gained")
  --plan STACK=FILE    read STACK's plan from FILE (terraform show -json output) instead of
                       planning; repeatable
  --save-plans DIR     keep each plan as DIR/<STACK>.json (for --plan in a later job)
  --markdown FILE      write the report to FILE (default: standard output)
  --html FILE          also write the report with the access matrix as a colour-coded grid, as
                       one self-contained HTML page
  --base DIR           the base commit's synthesized app: plan only the stacks whose synthesized
                       files differ from it (new or changed); the report lists the others as
                       "configuration unchanged" and names the deleted ones
  --changes FILE       the same from a changed-stacks output, for the report job of a workflow:
                       only the saved plans (--plan) are rendered, and a new or changed stack
                       without one is listed as not planned (its plan job failed)
  -h, --help           show this help

Without --offline, terraform plans with the AWS credentials of the shell against the real state.
TF_PROVIDER_MIRROR=DIR plans with providers from a filesystem mirror.

Exit codes: 0 report written (cases of the access matrix not decided as the stack's settings say
are marked in it; access-report fails on them); 1 terraform failed (its output follows); 2 nothing
written: a usage error, no app, an unknown stack, no terraform, or a plan that does not parse.
`;

export const planReport = defineCommand({
  name: 'plan-report',
  summary: 'plan each stack and write the pull-request review report (Markdown, optionally HTML)',
  help: PLAN_REPORT_HELP,
  options: {
    out: { type: 'string' },
    offline: { type: 'boolean', default: false },
    plan: { type: 'string', multiple: true, default: [] },
    'save-plans': { type: 'string' },
    markdown: { type: 'string' },
    html: { type: 'string' },
    base: { type: 'string' },
    changes: { type: 'string' },
  },
  positionals: true,
  async run({ values, positionals }, io) {
    if (values.base !== undefined && values.changes !== undefined)
      throw new UsageError('--base and --changes say the same thing: give one of them');
    const saved = new Map<string, string>();
    for (const spec of values.plan) {
      const at = spec.indexOf('=');
      if (at <= 0 || at === spec.length - 1)
        throw new UsageError(`--plan takes STACK=FILE (a terraform show -json plan of that stack), got "${spec}"`);
      saved.set(spec.slice(0, at), spec.slice(at + 1));
    }
    // Saved plans first: a plan that does not parse stops the run before anything is synthesized.
    const savedPlans = new Map<string, { text: string; plan: TerraformPlan }>();
    for (const [name, file] of saved) savedPlans.set(name, readSavedPlan(io.cwd, file));

    const app = loadApp({ cwd: io.cwd, ...(values.out !== undefined ? { out: values.out } : {}) });
    selectStacks(app, [...saved.keys()]);
    const changes =
      values.base !== undefined
        ? compareApps(resolve(io.cwd, values.base), app.outdir)
        : values.changes !== undefined
          ? readStackChanges(io.cwd, '--changes', values.changes)
          : undefined;
    const planned = changes ? changedStackNames(changes) : undefined;
    const stacks = selectStacks(app, positionals).filter(
      (s) => (planned === undefined || planned.has(s.name)) && (values.changes === undefined || savedPlans.has(s.name)),
    );
    const notPlanned =
      values.changes !== undefined && planned ? [...planned].filter((name) => !savedPlans.has(name)).sort() : [];
    if (stacks.some((s) => !savedPlans.has(s.name))) terraformVersion();

    const evaluator = await evaluatorAvailable();
    const mode = values.offline ? 'offline' : 'live';
    // Stacks plan at once (terraform runs in its own process, each stack in its own folder).
    const texts = await mapConcurrently(
      stacks,
      availableParallelism(),
      (stack) =>
        savedPlans.get(stack.name)?.text ??
        (values.offline ? planOfflineJson(stack.dir, stack.json) : planLive(stack.dir)),
    );
    const reports: EnvironmentReport[] = [];
    const plans = new Map<string, string>();
    for (const [i, stack] of stacks.entries()) {
      const text = texts[i];
      const plan = savedPlans.get(stack.name)?.plan ?? parsePlan(text, `${stack.name} plan`);
      plans.set(stack.name, text);
      reports.push(
        await buildEnvironmentReport(
          stack.name,
          mode,
          plan,
          (p) => accessPart(stack, p, evaluator),
          (rc, attribute) => {
            const value =
              rc.address === `${rc.type}.${rc.name}`
                ? stack.json.resource?.[rc.type]?.[rc.name]?.[attribute]
                : undefined;
            return typeof value === 'string' ? value : undefined;
          },
        ),
      );
    }

    // The report is for a reviewer: a change they must look at is in it, not in the exit code.
    const selection: StackSelection | undefined = changes && {
      notPlanned,
      added: changes.added,
      deleted: changes.deleted,
      unchanged: changes.unchanged,
    };
    const markdown = renderReport(reports, selection);
    return {
      code: EXIT.ok,
      stdout: values.markdown === undefined ? markdown : '',
      files: [
        ...(values.markdown !== undefined ? [{ path: values.markdown, content: markdown }] : []),
        ...(values.html !== undefined ? [{ path: values.html, content: renderHtml(reports) }] : []),
        ...(values['save-plans'] !== undefined
          ? [...plans].map(([name, content]) => ({ path: join(values['save-plans']!, `${name}.json`), content }))
          : []),
      ],
    };
  },
});

function readSavedPlan(cwd: string, file: string): { text: string; plan: TerraformPlan } {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new InputFileError(
      `${file}: cannot read the saved plan (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return { text, plan: parsePlan(text, file) };
}

/** The access part of a stack's report, or the reason it has none. */
export async function accessPart(
  stack: SynthesizedStack,
  plan: TerraformPlan,
  evaluator: boolean,
): Promise<AccessPart> {
  let read;
  try {
    read = readStackAccess(stack);
  } catch (error) {
    if (error instanceof NoAccessModelError)
      return { accessNote: `No access matrix for this stack: ${error.reason}. The plan part above is complete.` };
    throw error;
  }
  if (!evaluator) return { accessNote: `The access part is off: to turn it on, ${EVALUATOR_HINT}.` };
  return { access: await accessDiff(read, plan) };
}
