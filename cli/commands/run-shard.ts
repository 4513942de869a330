import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EXIT,
  InputFileError,
  StackStepError,
  SynthesisFailedError,
  TerraformFailedError,
  UsageError,
} from '../errors';
import { type ChangeCounts, countChanges, parsePlan } from '../report/terraform-plan';
import { planOfflineJson, runAsync } from '../terraform';
import { changedStackNames, readStackChanges, stackDigest } from './changed-stacks';
import { type CiTarget, shardTargets } from './ci-targets';
import { defineCommand } from './command';
import { loadTargets, parseShard } from './environments';
import { mapConcurrently } from './map-concurrently';

export const RUN_SHARD_HELP = `Usage: ssm-federated-access run-shard [options] --shard N --action plan|apply|drift

Runs terraform for every stack of one shard of the environments matrix, a few stacks at a time.
One stack's failure does not stop the others; each stack's result goes to the job summary.

  plan    terraform init and plan in cdktf.out/stacks/<name> with the stack's plan role; keeps
          tfplan, plan.txt (terraform show) and plan.json (terraform show -json) beside it
  apply   terraform apply of that tfplan with the stack's deploy role (a stack whose plan changes
          nothing is skipped; a stale plan is refused by terraform, never applied); --results
          gives each stack's sha256, the digest of the configuration applied, for deploy-record
  drift   a plan with the plan role and -detailed-exitcode, without the state lock: "drifted"
          when the real account differs from the configuration; keeps plan.json for drift-report

In GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL set, the job has id-token: write) each terraform
command gets a fresh OpenID Connect token and assumes the stack's own role with it
(AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE), so one job serves accounts with different roles.
Elsewhere terraform uses the shell's AWS credentials.

Options:
  --shard N            the shard number from the matrix (ssm-federated-access environments)
  --action ACTION      plan, apply or drift
  --concurrency N      stacks at a time, 1-32 (default 4)
  --out DIR            the synthesized app (default cdktf.out); its stacks/<name> folders are used
  --synth              first synthesize this shard's stacks (only them) into --out: this project's
                       app, from its environment files, a few seconds instead of the whole app
  --synthesized        read the stacks' roles from the synthesized app in --out (as environments
                       --out does, for your own CDKTF app) instead of this project's environments
  --changed FILE       only the stacks that FILE (the output of changed-stacks) lists as added or
                       changed
  --offline            plan without AWS (dummy credentials, local backend), for forks' pull requests
  --results FILE       also write each stack's result as JSON
  --summary FILE       append the Markdown summary to FILE (default: $GITHUB_STEP_SUMMARY, if set)
  -h, --help           show this help

Exit codes: 0 every stack done (drift found is a result, not a failure); 1 a stack failed;
2 a usage error.
`;

export type ShardAction = 'plan' | 'apply' | 'drift';

/** What happened to one stack. */
export interface StackResult {
  readonly name: string;
  readonly accountId: string;
  readonly status: 'changes' | 'no changes' | 'applied' | 'drifted' | 'skipped' | 'failed';
  readonly counts?: ChangeCounts;
  /** apply: the {@link stackDigest} of the configuration applied (or found with nothing to change). */
  readonly sha256?: string;
  readonly seconds: number;
  /** The end of terraform's output when it failed. */
  readonly error?: string;
}

/** Where each stack's terraform environment comes from (an OIDC token per stack, or the shell's). */
export type CredentialSource = (target: CiTarget, roleArn: string) => Promise<Record<string, string>>;

export const runShard = defineCommand({
  name: 'run-shard',
  summary: 'plan, apply or check for drift every stack of one shard, a few at a time',
  help: RUN_SHARD_HELP,
  options: {
    shard: { type: 'string' },
    action: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    out: { type: 'string', default: 'cdktf.out' },
    changed: { type: 'string' },
    offline: { type: 'boolean', default: false },
    synth: { type: 'boolean', default: false },
    synthesized: { type: 'boolean', default: false },
    results: { type: 'string' },
    summary: { type: 'string' },
  },
  async run({ values }, io) {
    if (values.shard === undefined) throw new UsageError('--shard N is required (a shard number from the matrix)');
    const action = values.action as ShardAction;
    if (!['plan', 'apply', 'drift'].includes(action))
      throw new UsageError(`--action must be plan, apply or drift, got "${values.action ?? ''}"`);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32)
      throw new UsageError(`--concurrency must be a whole number 1-32, got "${values.concurrency}"`);
    if (values.offline && action !== 'plan') throw new UsageError('--offline plans only: use it with --action plan');
    if (values.synth && values.synthesized)
      throw new UsageError(
        '--synth synthesizes this project, --synthesized reads an app already synthesized: give one',
      );

    // The shard is computed over every stack, so its members are those of the matrix.
    let targets = shardTargets(
      await loadTargets(io.cwd, values.synthesized ? values.out : undefined),
      parseShard(values.shard),
    );
    if (values.changed !== undefined) {
      const changed = changedStackNames(readStackChanges(io.cwd, '--changed', values.changed));
      targets = targets.filter((t) => changed.has(t.name));
    }
    const outdir = resolve(io.cwd, values.out);
    if (values.synth)
      await synthesizeStacks(
        io.cwd,
        outdir,
        targets.map((t) => t.name),
      );
    const credentials: CredentialSource = values.offline ? async () => ({}) : credentialsFromEnvironment(process.env);
    const results = await runStacks(targets, { action, concurrency, outdir, offline: values.offline, credentials });

    const summaryFile = values.summary ?? process.env.GITHUB_STEP_SUMMARY;
    const summary = renderSummary(Number(values.shard), action, results);
    const previous =
      summaryFile && existsSync(resolve(io.cwd, summaryFile)) ? readFileSync(resolve(io.cwd, summaryFile), 'utf8') : '';
    return {
      code: results.some((r) => r.status === 'failed') ? EXIT.failed : EXIT.ok,
      stdout: summary,
      files: [
        ...(summaryFile ? [{ path: summaryFile, content: previous + summary }] : []),
        ...(values.results !== undefined
          ? [{ path: values.results, content: `${JSON.stringify(results, null, 2)}\n` }]
          : []),
      ],
    };
  },
});

export interface RunOptions {
  readonly action: ShardAction;
  readonly concurrency: number;
  readonly outdir: string;
  readonly offline?: boolean;
  readonly credentials: CredentialSource;
}

/** Runs `action` on every target, at most `concurrency` at a time; results in the targets' order. */
export function runStacks(targets: readonly CiTarget[], options: RunOptions): Promise<StackResult[]> {
  return mapConcurrently(targets, options.concurrency, (target) => runStack(target, options));
}

const TF_ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };

async function runStack(target: CiTarget, options: RunOptions): Promise<StackResult> {
  const started = Date.now();
  const dir = join(options.outdir, 'stacks', target.name);
  const done = (status: StackResult['status'], extra: Partial<StackResult> = {}): StackResult => ({
    name: target.name,
    accountId: target.accountId,
    status,
    ...extra,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  });
  try {
    if (!existsSync(join(dir, 'cdk.tf.json')))
      throw new StackStepError(`${dir}: no cdk.tf.json (synthesize the app first)`);
    if (options.action === 'plan' && options.offline) {
      const json = readFileSync(join(dir, 'cdk.tf.json'), 'utf8');
      const planJson = await planOfflineJson(dir, JSON.parse(json));
      writeFileSync(join(dir, 'plan.json'), planJson);
      return withCounts(done, planJson, 'changes');
    }
    if (options.action === 'apply') {
      if (!existsSync(join(dir, 'tfplan')))
        throw new StackStepError(`${dir}: no tfplan (its plan failed or was not downloaded)`);
      const planJson = existsSync(join(dir, 'plan.json')) ? readFileSync(join(dir, 'plan.json'), 'utf8') : undefined;
      const counts = planJson ? countChanges(parsePlan(planJson, `${target.name} plan.json`)) : undefined;
      // What deploy-record keeps once the apply succeeded: the files the plan was made from.
      const sha256 = stackDigest(dir);
      if (counts && counts.add + counts.change + counts.destroy === 0) return done('skipped', { counts, sha256 });
      // A fresh token for every terraform command: GitHub's OIDC tokens last five minutes.
      const terraform = async (args: string[]) =>
        step(dir, { ...TF_ENV, ...(await options.credentials(target, target.deployRoleArn)) }, args);
      await terraform(['init', '-input=false', '-no-color']);
      await terraform(['apply', '-input=false', '-no-color', 'tfplan']);
      return done('applied', counts ? { counts, sha256 } : { sha256 });
    }
    const terraform = async (args: string[], ok?: readonly number[]) =>
      step(dir, { ...TF_ENV, ...(await options.credentials(target, target.planRoleArn)) }, args, ok);
    await terraform(['init', '-input=false', '-no-color']);
    const drift = options.action === 'drift';
    const plan = await terraform(
      ['plan', '-input=false', '-no-color', '-out=tfplan', ...(drift ? ['-lock=false', '-detailed-exitcode'] : [])],
      drift ? [0, 2] : [0],
    );
    writeFileSync(join(dir, 'plan.txt'), (await terraform(['show', '-no-color', 'tfplan'])).stdout);
    const planJson = (await terraform(['show', '-json', 'tfplan'])).stdout;
    writeFileSync(join(dir, 'plan.json'), planJson);
    if (drift) return withCounts(done, planJson, plan.code === 2 ? 'drifted' : 'no changes');
    return withCounts(done, planJson, 'changes');
  } catch (error) {
    if (error instanceof StackStepError || error instanceof TerraformFailedError)
      return done('failed', { error: error.message });
    throw error;
  }
}

function withCounts(
  done: (status: StackResult['status'], extra?: Partial<StackResult>) => StackResult,
  planJson: string,
  status: StackResult['status'],
): StackResult {
  const counts = countChanges(parsePlan(planJson, 'plan'));
  const changed = counts.add + counts.change + counts.destroy > 0;
  return done(status === 'changes' && !changed ? 'no changes' : status, { counts });
}

async function step(dir: string, env: Record<string, string>, args: string[], ok: readonly number[] = [0]) {
  const result = await runAsync(dir, env, args);
  if (!ok.includes(result.code)) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-20).join('\n');
    throw new StackStepError(`terraform ${args[0]} exited with ${result.code}:\n${tail}`);
  }
  return result;
}

/**
 * In GitHub Actions: a fresh OIDC token for each terraform command (GitHub's tokens expire five
 * minutes after they are issued, and a shard's stacks run one after another), written to a file
 * that terraform's AWS SDK reads to assume `roleArn` (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE).
 * Elsewhere: nothing added, the shell's credentials are used.
 */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv): CredentialSource {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !token) return async (target) => ({ AWS_REGION: target.region, AWS_DEFAULT_REGION: target.region });
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-oidc-'));
  return async (target, roleArn) => {
    const request = new URL(url);
    request.searchParams.set('audience', 'sts.amazonaws.com');
    let response: Response;
    try {
      response = await fetch(request, { headers: { Authorization: `bearer ${token}` } });
    } catch (error) {
      throw new StackStepError(`the OIDC token request failed: ${(error as Error).message}`);
    }
    if (!response.ok)
      throw new StackStepError(
        `the OIDC token request failed with HTTP ${response.status}: give the job "id-token: write"`,
      );
    const { value } = (await response.json()) as { value?: string };
    if (!value) throw new StackStepError('the OIDC token response has no "value"');
    const file = join(dir, `${target.name}.jwt`);
    writeFileSync(file, value, { mode: 0o600 });
    return {
      AWS_ROLE_ARN: roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: file,
      AWS_ROLE_SESSION_NAME: `github-${target.name}`.slice(0, 64),
      AWS_REGION: target.region,
      AWS_DEFAULT_REGION: target.region,
    };
  };
}

/** The results that run-shard `--results` wrote as `results-*.json` into `dir`, file by file in name order. */
export function readShardResults(dir: string): StackResult[] {
  return readdirSync(dir)
    .filter((f) => /^results-.*\.json$/.test(f))
    .sort()
    .flatMap((f) => {
      try {
        return JSON.parse(readFileSync(join(dir, f), 'utf8')) as StackResult[];
      } catch (error) {
        throw new InputFileError(`${join(dir, f)}: not the JSON of run-shard --results (${(error as Error).message})`);
      }
    });
}

/** The job summary: one row per stack, then the failures' output. */
export function renderSummary(shard: number, action: ShardAction, results: readonly StackResult[]): string {
  const out = [`### ${action} of shard ${shard}: ${results.length} stack${results.length === 1 ? '' : 's'}`, ''];
  out.push(
    '| stack | account | result | add | change | destroy | seconds |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    const c = r.counts;
    const result = r.status === 'failed' ? '**failed**' : r.status === 'drifted' ? '**drifted**' : r.status;
    out.push(
      `| ${r.name} | ${r.accountId} | ${result} | ${c?.add ?? ''} | ${c?.change ?? ''} | ${c?.destroy ?? ''} | ${r.seconds} |`,
    );
  }
  for (const r of results.filter((x) => x.error)) {
    out.push(
      '',
      `<details><summary>${r.name}: ${r.error!.split('\n')[0]}</summary>`,
      '',
      '```',
      r.error!,
      '```',
      '',
      '</details>',
    );
  }
  return `${out.join('\n')}\n\n`;
}

/**
 * Synthesizes only `names` of this project's app into `outdir`. A stack's files do not depend on
 * the other stacks of the app, so they are the bytes a whole synth writes (a test compares them).
 */
export async function synthesizeStacks(cwd: string, outdir: string, names: readonly string[]): Promise<void> {
  const environments = await import('../../environments');
  const app = await import('../../stacks/main');
  const wanted = new Set(names);
  const sources = environments.environmentSources.filter((s) => wanted.has(s.input.name));
  let stderr = '';
  // Relative paths in environment files (the IdP metadata) are read from the working directory,
  // the project root, as in cdktf synth.
  if (resolve(cwd) !== process.cwd()) throw new UsageError('--synth runs in the project root: cd there first');
  if (app.main({ sources, outdir, stderr: (text) => (stderr += text) }) !== 0)
    throw new SynthesisFailedError(stderr.trimEnd());
}
