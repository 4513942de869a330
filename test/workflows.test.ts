import { validateWorkflow } from '@action-validator/core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { RUN_SHARD_HELP } from '../cli/commands/run-shard';

const dir = join(__dirname, '..', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function workflow(name: string): any {
  return parse(readFileSync(join(dir, name), 'utf8'));
}

type Step = { name?: string; if?: string; run?: string; uses?: string; with?: Record<string, unknown> };

/** The `run-shard` command lines of a job's steps. */
function runShard(steps: Step[]): string[] {
  return steps.map((s) => s.run ?? '').filter((run) => run.includes('run-shard'));
}

describe('GitHub Actions workflows', () => {
  it('has the pull-request, deploy, drift, documentation and configuration-space workflows', () => {
    expect(files.sort()).toEqual([
      'configuration-space.yml',
      'deploy.yml',
      'docs.yml',
      'drift.yml',
      'pull-request.yml',
    ]);
  });

  it.each(files)('%s passes the workflow schema validator', (file) => {
    const state = validateWorkflow(readFileSync(join(dir, file), 'utf8'));
    expect(state.errors).toEqual([]);
  });

  it('the validator does catch a broken workflow', () => {
    const broken = readFileSync(join(dir, 'deploy.yml'), 'utf8').replace(
      'runs-on: ubuntu-24.04',
      'runs-onn: ubuntu-24.04',
    );
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('pull requests: pull_request (not pull_request_target), only changed stacks planned, offline for forks, one sticky comment', () => {
    const pr = workflow('pull-request.yml');
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read' });
    // The base commit is synthesized in a worktree and compared with the head.
    const changes = (pr.jobs.changes.steps as Step[]).map((s) => s.run ?? '').join('\n');
    expect(changes).toContain('git worktree add "$RUNNER_TEMP/base" "$BASE_SHA"');
    expect(changes).toMatch(/changed-stacks --base "\$RUNNER_TEMP\/base\/cdktf\.out" --head cdktf\.out/);
    expect(changes).toContain('environments --changed changed/changes.json');
    expect(pr.jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(pr.jobs.plan.strategy.matrix.shard).toBe('${{ fromJSON(needs.changes.outputs.matrix) }}');
    const plan = (pr.jobs.plan.steps as Step[]).find((s) => s.name === 'Plan')?.run;
    expect(plan).toContain("env.FORK == 'true' && '--offline'");
    expect(plan).toContain('--changed changed/changes.json');
    expect(plan).toContain('--action plan');
    const report = (pr.jobs.report.steps as Step[]).map((s) => s.run ?? '').join('\n');
    expect(report).toContain('--changes changed/changes.json');
    const comment = (pr.jobs.report.steps as Step[]).filter((s) =>
      s.uses?.startsWith('marocchino/sticky-pull-request-comment'),
    );
    expect(comment).toHaveLength(1);
    expect(comment[0].with?.header).toBe('ssm-federated-access-plan');
  });

  it('deploy: per shard, apply in the protected environment, one shard (so one account) at a time, from the reviewed plan files', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on.push.branches).toEqual(['main']);
    const apply = deploy.jobs.apply;
    expect(apply.environment).toBe('${{ matrix.shard.environment }}');
    expect(apply.strategy.matrix.shard).toBe('${{ fromJSON(needs.changes.outputs.matrix) }}');
    expect(apply.concurrency).toEqual({ group: 'deploy-shard-${{ matrix.shard.shard }}', 'cancel-in-progress': false });
    expect(apply.needs).toContain('plan');
    const run = (apply.steps as Step[]).map((s) => s.run ?? '').join('\n');
    expect(runShard(apply.steps)).toEqual([
      'node dist/cli/main.js run-shard --shard ${{ matrix.shard.shard }} --action apply --concurrency 4 --changed changed/changes.json --results applied/results-${{ matrix.shard.shard }}.json',
    ]);
    expect(run).not.toMatch(/terraform plan|auto-approve|--action plan/);
    // run-shard's apply is `terraform apply ... tfplan`: the saved plan, never a fresh one.
    expect(RUN_SHARD_HELP).toContain('terraform apply of that tfplan');
    const plan = deploy.jobs.plan;
    expect(plan.needs).toEqual(['test', 'changes']);
    expect(plan.environment).toBeUndefined();
    expect(runShard(plan.steps)).toEqual([
      'node dist/cli/main.js run-shard --synth --shard ${{ matrix.shard.shard }} --action plan --concurrency 4 --changed changed/changes.json',
    ]);
    // The artifact name ties the apply to the plan of the same shard.
    const upload = (plan.steps as Step[]).find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const download = (apply.steps as Step[]).filter((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(upload?.with?.name).toBe('shard-${{ matrix.shard.shard }}');
    expect(download.map((s) => s.with?.name)).toEqual(['changed', upload?.with?.name]);
  });

  it('deploy: plans only the stacks whose configuration differs from the deploy record, which one job at a time rewrites', () => {
    const deploy = workflow('deploy.yml');
    const { changes, record } = deploy.jobs;
    const runs = (job: { steps: Step[] }) => job.steps.map((s) => s.run ?? '').join('\n');
    // The commands of test/cli/deploy-record.test.ts's recorded runs, in the same order.
    const cli = (line: string) => `node dist/cli/main.js ${line}`;
    const ordered = (text: string, lines: string[]) => {
      const at = lines.map((line) => text.indexOf(line));
      expect({ lines, found: at.every((i) => i >= 0), ordered: at.every((i, n) => n === 0 || i > at[n - 1]) }).toEqual({
        lines,
        found: true,
        ordered: true,
      });
    };
    ordered(runs(changes), [
      'npm run synth',
      cli('deploy-record --action fetch --record deployed/deployed-stacks.json'),
      cli('changed-stacks --deployed "$compared" --head cdktf.out > changed/changes.json'),
      cli('environments --changed changed/changes.json > changed/matrix.json'),
      cli('deploy-record --action start --record deployed/deployed-stacks.json --matrix changed/matrix.json'),
      'echo "matrix=$(cat changed/matrix.json)" >> "$GITHUB_OUTPUT"',
    ]);
    ordered(runs(record), [
      cli('deploy-record --action fetch --record deployed/deployed-stacks.json'),
      cli('deploy-record --action finish --record deployed/deployed-stacks.json --results applied'),
    ]);
    // A manual run can plan every stack (after drift, for instance).
    expect(deploy.on.workflow_dispatch.inputs.all).toMatchObject({ type: 'boolean', default: false });
    expect(runs(changes)).toContain('if [ "$PLAN_ALL" = \'true\' ]');
    // The record: read with actions: read, never written by a job that can deploy.
    for (const job of [changes, record]) {
      expect(job.permissions).toEqual({ contents: 'read', actions: 'read' });
      expect(job.concurrency).toEqual({ group: 'deploy-record', 'cancel-in-progress': false });
      const uploads = (job.steps as Step[]).filter((s) => s.with?.name === 'deployed-stacks');
      expect(uploads.map((s) => s.with)).toEqual([
        { name: 'deployed-stacks', path: 'deployed/deployed-stacks.json', overwrite: true, 'retention-days': 90 },
      ]);
    }
    for (const [name, job] of Object.entries(deploy.jobs) as [string, { permissions?: Record<string, string> }][])
      if (!['changes', 'record'].includes(name)) expect({ name, actions: job.permissions?.actions }).toEqual({ name });
    // The record job merges every apply job's results, also when some failed.
    expect(record.needs).toEqual(['changes', 'apply']);
    expect(record.if).toContain('!cancelled()');
    const results = (record.steps as Step[]).find((s) => s.with?.pattern === 'applied-*');
    expect(results?.with).toMatchObject({ path: 'applied', 'merge-multiple': true });
    const applied = (deploy.jobs.apply.steps as Step[]).find(
      (s) => s.with?.name === 'applied-${{ matrix.shard.shard }}',
    );
    expect(applied).toMatchObject({ if: '${{ !cancelled() }}', with: { path: 'applied' } });
  });

  it('deploy: the changes step plans every stack with "all" and the recorded ones otherwise', () => {
    const script = (workflow('deploy.yml').jobs.changes.steps as Step[]).find((s) =>
      s.name?.startsWith('The stacks'),
    )?.run;
    const cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-wf-deploy-'));
    // A stand-in for the command line that logs its arguments.
    mkdirSync(join(cwd, 'dist', 'cli'), { recursive: true });
    writeFileSync(
      join(cwd, 'dist', 'cli', 'main.js'),
      "require('fs').appendFileSync('calls.log', process.argv.slice(2).join(' ') + '\\n'); process.stdout.write('[]');\n",
    );
    mkdirSync(join(cwd, 'deployed'));
    const calls = (all: string) => {
      writeFileSync(join(cwd, 'calls.log'), '');
      const env = { ...process.env, PLAN_ALL: all, GITHUB_OUTPUT: join(cwd, 'output') };
      execFileSync('bash', ['-e', '-c', script!], { cwd, env });
      return readFileSync(join(cwd, 'calls.log'), 'utf8').split('\n')[0];
    };
    expect(calls('false')).toBe('changed-stacks --deployed deployed/deployed-stacks.json --head cdktf.out');
    expect(calls('true')).toBe('changed-stacks --deployed deployed/nothing.json --head cdktf.out');
    expect(JSON.parse(readFileSync(join(cwd, 'deployed', 'nothing.json'), 'utf8'))).toEqual({ format: 1, stacks: {} });
    expect(readFileSync(join(cwd, 'output'), 'utf8')).toBe('matrix=[]\nmatrix=[]\n');
  });

  it('drift: daily and on demand, a plan per shard with the plan role, then one job keeps the issue', () => {
    const drift = workflow('drift.yml');
    expect(Object.keys(drift.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(drift.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(runShard(drift.jobs.drift.steps)).toEqual([
      expect.stringMatching(
        /run-shard --synth --shard \$\{\{ matrix\.shard\.shard \}\} --action drift .*--results drift\/results-/,
      ),
    ]);
    // Every stack, every day: the whole matrix, never only the changed stacks.
    expect(drift.jobs.drift.strategy.matrix.shard).toBe('${{ fromJSON(needs.environments.outputs.matrix) }}');
    expect(runShard(drift.jobs.drift.steps)[0]).not.toContain('--changed');
    const issue = drift.jobs.issue;
    expect(issue.needs).toEqual(['environments', 'drift']);
    expect(issue.permissions).toEqual({ contents: 'read', issues: 'write' });
    const step = (issue.steps as (Step & { env?: Record<string, string> })[]).find((s) =>
      s.run?.includes('drift-report'),
    );
    expect(step?.run).toContain('node dist/cli/main.js drift-report --dir drift --matrix matrix.json');
    expect(step?.env?.MATRIX).toBe('${{ needs.environments.outputs.matrix }}');
    expect(step?.env?.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    // Only the issue job may write issues.
    for (const [name, job] of Object.entries(drift.jobs) as [string, { permissions?: Record<string, string> }][]) {
      if (name !== 'issue') expect(job.permissions?.issues).toBeUndefined();
    }
  });

  it('every matrix is the shards of the environments command: at most 256 jobs', () => {
    for (const file of files) {
      for (const job of Object.values(workflow(file).jobs) as { strategy?: { matrix?: Record<string, string> } }[]) {
        if (!job.strategy?.matrix) continue;
        expect(Object.keys(job.strategy.matrix)).toEqual(['shard']);
        expect(job.strategy.matrix.shard).toMatch(
          /^\$\{\{ fromJSON\(needs\.(environments|changes)\.outputs\.matrix\) \}\}$/,
        );
      }
    }
  });

  it('docs: builds the site from main with read access only, and deploys it to Pages with the Pages permissions only', () => {
    const docs = workflow('docs.yml');
    expect(Object.keys(docs.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(docs.on.push.branches).toEqual(['main']);
    expect(docs.permissions).toEqual({ contents: 'read' });
    const build = docs.jobs.build;
    expect(build.permissions).toBeUndefined();
    const runs = (build.steps as { run?: string }[]).map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(['npm ci', 'npm run docs']);
    const upload = (build.steps as { uses?: string; with?: { path?: string } }[]).find((s) =>
      s.uses?.startsWith('actions/upload-pages-artifact@'),
    );
    expect(upload?.with?.path).toBe('site');
    const deploy = docs.jobs.deploy;
    expect(deploy.needs).toBe('build');
    expect(deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(deploy.environment.name).toBe('github-pages');
    expect((deploy.steps as { uses?: string }[]).map((s) => s.uses)).toEqual(['actions/deploy-pages@v4']);
  });

  it('every job that assumes an AWS role or deploys to GitHub Pages asks for an id-token, and only those', () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(workflow(file).jobs) as [
        string,
        { steps: Step[]; permissions?: Record<string, string> },
      ][]) {
        // Each exchanges the job's OpenID Connect token: for AWS credentials (run-shard assumes each
        // stack's role itself), or for a Pages deployment.
        const assumes =
          job.steps.some(
            (s) =>
              s.uses?.startsWith('aws-actions/configure-aws-credentials') || s.uses?.startsWith('actions/deploy-pages'),
          ) || runShard(job.steps).length > 0;
        expect({ file, name, idToken: job.permissions?.['id-token'] === 'write' }).toEqual({
          file,
          name,
          idToken: assumes,
        });
      }
    }
  });

  it.each([
    ['drift.yml', 'drift', 'cdktf.out/stacks', 'drift/plans'],
    ['pull-request.yml', 'plan', 'changed/app/stacks', 'plans'],
  ])('%s: "Keep the plans" copies each planned stack\'s plan.json, and only those', (file, job, stacks, plans) => {
    const script = (workflow(file).jobs[job].steps as Step[]).find((s) => s.name === 'Keep the plans')?.run;
    expect(script).toBeDefined();
    const cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-wf-'));
    for (const name of ['planned', 'failed']) mkdirSync(join(cwd, stacks, name), { recursive: true });
    writeFileSync(join(cwd, stacks, 'planned', 'plan.json'), '{"format_version":"1.2"}');
    execFileSync('bash', ['-e', '-c', script!], { cwd });
    expect(readdirSync(join(cwd, plans))).toEqual(['planned.json']);
    expect(readFileSync(join(cwd, plans, 'planned.json'), 'utf8')).toBe('{"format_version":"1.2"}');
    expect(existsSync(join(cwd, plans, 'failed.json'))).toBe(false);
  });
});
