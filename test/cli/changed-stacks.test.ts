import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareApps } from '../../cli/commands/changed-stacks';
import { main } from '../../cli/main';
import { type EnvironmentSource, environmentSources } from '../../environments';
import { synthesize } from '../support/synth';

/**
 * Reviews plan only what changed: two synthesized apps (base and head of a pull request) are
 * compared stack by stack, byte for byte, cdk.tf.json and the assets beside it.
 */
const fixtures = join(__dirname, '..', 'fixtures', 'plans');
const base = synthesize(environmentSources).outdir;

/** The shipped environments with one of them edited, as a pull request that edits one file. */
function edited(name: string, change: (input: EnvironmentSource['input']) => EnvironmentSource['input']) {
  return environmentSources.map((s) => (s.input.name === name ? { ...s, input: change(s.input) } : s));
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const cwd = mkdtempSync(join(tmpdir(), 'ssm-fa-changed-'));
  const code = await main(argv, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr, cwd };
}

describe('changed-stacks', () => {
  it('synthesizing the same sources again changes nothing', () => {
    expect(compareApps(base, synthesize(environmentSources).outdir)).toEqual({
      added: [],
      changed: [],
      deleted: [],
      unchanged: ['dev', 'example', 'prod'],
    });
  });

  it('a pull request that edits one environment file plans that one stack', async () => {
    const head = synthesize(
      edited('dev', (input) => ({ ...input, session: { ...input.session, idleTimeoutMinutes: 15 } })),
    ).outdir;
    const { code, stdout } = await run(['changed-stacks', '--base', base, '--head', head]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ added: [], changed: ['dev'], deleted: [], unchanged: ['example', 'prod'] });
  });

  it('a change in modules/ (every cdk.tf.json differs, sizes the same) plans them all', () => {
    const head = synthesize(environmentSources).outdir;
    for (const stack of ['dev', 'example', 'prod']) {
      const file = join(head, 'stacks', stack, 'cdk.tf.json');
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('"ec2-user"');
      writeFileSync(file, text.replace('"ec2-user"', '"ec2-usex"'));
    }
    expect(compareApps(base, head)).toEqual({
      added: [],
      changed: ['dev', 'example', 'prod'],
      deleted: [],
      unchanged: [],
    });
  });

  it('a change every stack shares in its assets (the tagger bundle) plans them all', () => {
    const head = synthesize(environmentSources).outdir;
    // An asset beside cdk.tf.json counts as configuration: here the launch tagger's zip of each stack.
    for (const stack of ['dev', 'example', 'prod']) {
      const assets = join(head, 'stacks', stack, 'assets');
      const zip = readdirSync(assets, { recursive: true, withFileTypes: true }).find((e) => e.isFile())!;
      appendFileSync(join(zip.parentPath, zip.name), 'x');
    }
    expect(compareApps(base, head)).toEqual({
      added: [],
      changed: ['dev', 'example', 'prod'],
      deleted: [],
      unchanged: [],
    });
  });

  it('new and deleted stacks are named as such; --copy-changed keeps only what the plan jobs need', async () => {
    const sources = [
      ...environmentSources.filter((s) => s.input.name !== 'prod'),
      {
        file: 'environments/stage.ts',
        input: { ...environmentSources[1].input, name: 'stage', accountId: '333333333333' },
      },
    ];
    const head = synthesize(sources).outdir;
    const { code, stdout, cwd } = await run([
      'changed-stacks',
      '--base',
      base,
      '--head',
      head,
      '--copy-changed',
      'changed',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      added: ['stage'],
      changed: [],
      deleted: ['prod'],
      unchanged: ['dev', 'example'],
    });
    expect(readdirSync(join(cwd, 'changed', 'stacks'))).toEqual(['stage']);
    const manifest = JSON.parse(readFileSync(join(cwd, 'changed', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(['stage']);
    expect(existsSync(join(cwd, 'changed', 'stacks', 'stage', 'cdk.tf.json'))).toBe(true);
  });

  it('refuses a folder that is not a synthesized app', async () => {
    const { code, stderr } = await run(['changed-stacks', '--base', tmpdir(), '--head', base]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no manifest\.json; point at the folder cdktf synth writes/);
  });
});

describe('plan-report --base', () => {
  it('plans only the changed stack and lists the others as unchanged in one line', async () => {
    const head = synthesize(
      edited('example', (input) => ({ ...input, session: { ...input.session!, idleTimeoutMinutes: 15 } })),
    ).outdir;
    const { code, stdout, stderr } = await run([
      'plan-report',
      '--out',
      head,
      '--base',
      base,
      '--plan',
      `example=${join(fixtures, 'widened-policy.json')}`,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('- configuration unchanged: dev, prod\n');
    expect(stdout).toContain('| example | 0 | 1 | 0 | 0 | 1 |');
    expect(stdout).not.toMatch(/^\| (dev|prod) \|/m);
  });

  it('--changes names new and deleted stacks from a changed-stacks file', async () => {
    const { cwd } = await run([]);
    const file = join(cwd, 'changes.json');
    writeFileSync(
      file,
      JSON.stringify({ added: ['example'], changed: [], deleted: ['old'], unchanged: ['dev', 'prod'] }),
    );
    const { code, stdout } = await run([
      'plan-report',
      '--out',
      base,
      '--changes',
      file,
      '--plan',
      `example=${join(fixtures, 'no-change.json')}`,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('- new stacks (planned against an empty state): example\n');
    expect(stdout).toContain(
      '- deleted stacks (not planned; their resources stay in their accounts until destroyed with terraform destroy): old\n',
    );
    expect(stdout).toContain('- configuration unchanged: dev, prod\n');
  });

  it('--changes renders only saved plans and names a changed stack without one as not planned', async () => {
    const { cwd } = await run([]);
    const file = join(cwd, 'changes.json');
    writeFileSync(file, JSON.stringify({ added: [], changed: ['example', 'prod'], deleted: [], unchanged: ['dev'] }));
    const { code, stdout } = await run([
      'plan-report',
      '--out',
      base,
      '--changes',
      file,
      '--plan',
      `example=${join(fixtures, 'widened-policy.json')}`,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('- **not planned** (new or changed, but no plan: see the failed plan jobs): prod\n');
    expect(stdout).toContain('| example | 0 | 1 | 0 | 0 | 1 |');
    expect(stdout).not.toMatch(/^\| prod \|/m);
  });
});
