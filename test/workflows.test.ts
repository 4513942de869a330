import { validateWorkflow } from '@action-validator/core';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const dir = join(__dirname, '..', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function workflow(name: string): any {
  return parse(readFileSync(join(dir, name), 'utf8'));
}

describe('GitHub Actions workflows', () => {
  it('has the pull-request, deploy and documentation workflows', () => {
    expect(files.sort()).toEqual(['deploy.yml', 'docs.yml', 'pull-request.yml']);
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

  it('pull requests: pull_request (not pull_request_target), offline for forks, one sticky comment', () => {
    const pr = workflow('pull-request.yml');
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read' });
    expect(pr.jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = pr.jobs.plan.steps as { name?: string; if?: string; run?: string }[];
    expect(steps.find((s) => s.name === 'Assume the read-only plan role')?.if).toBe("env.FORK == 'false'");
    expect(steps.find((s) => s.name === 'Plan')?.run).toContain("env.FORK == 'true' && '--offline'");
    const comment = (pr.jobs.report.steps as { uses?: string; with?: { header?: string } }[]).filter((s) =>
      s.uses?.startsWith('marocchino/sticky-pull-request-comment'),
    );
    expect(comment).toHaveLength(1);
    expect(comment[0].with?.header).toBe('ssm-federated-access-plan');
  });

  it('deploy: apply runs in the protected environment, one account at a time, from the reviewed plan file', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.on.push.branches).toEqual(['main']);
    const apply = deploy.jobs.apply;
    expect(apply.environment).toBe('${{ matrix.target.name }}');
    expect(apply.concurrency).toEqual({
      group: 'deploy-account-${{ matrix.target.accountId }}',
      'cancel-in-progress': false,
    });
    expect(apply.needs).toContain('plan');
    const run = (apply.steps as { run?: string }[]).map((s) => s.run ?? '').join('\n');
    expect(run).toContain('terraform apply -input=false -no-color tfplan');
    expect(run).not.toMatch(/terraform plan|auto-approve/);
    const plan = deploy.jobs.plan;
    expect(plan.needs).toEqual(['test', 'environments']);
    expect(plan.environment).toBeUndefined();
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
        { steps: { uses?: string }[]; permissions?: Record<string, string> },
      ][]) {
        // Both exchange the job's OpenID Connect token: for AWS credentials, or for a Pages deployment.
        const assumes = job.steps.some(
          (s) =>
            s.uses?.startsWith('aws-actions/configure-aws-credentials') || s.uses?.startsWith('actions/deploy-pages'),
        );
        expect({ file, name, idToken: job.permissions?.['id-token'] === 'write' }).toEqual({
          file,
          name,
          idToken: assumes,
        });
      }
    }
  });
});
