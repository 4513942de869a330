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
  it('has the pull-request and deploy workflows', () => {
    expect(files.sort()).toEqual(['deploy.yml', 'pull-request.yml']);
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

  it('every job that assumes an AWS role asks for an id-token, and only those', () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(workflow(file).jobs) as [
        string,
        { steps: { uses?: string }[]; permissions?: Record<string, string> },
      ][]) {
        const assumes = job.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials'));
        expect({ file, name, idToken: job.permissions?.['id-token'] === 'write' }).toEqual({
          file,
          name,
          idToken: assumes,
        });
      }
    }
  });
});
