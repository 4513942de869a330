import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { type CiTarget, matrixOf, synthesizedTargets, targetsOfEnvironments } from '../../cli/commands/ci-targets';
import * as stackNames from '../../modules/ssm-federated-access/names';
import { SHARD_SLOTS, assignShards, shardCapacity, shardsOf } from '../../cli/commands/shards';
import { environmentSources, loadEnvironments } from '../../environments';
import { synthesize } from '../support/synth';

/**
 * The workflows' matrix: at most 256 shards for any organization, balanced within the cap, and
 * stable (adding or removing accounts moves few stacks), read from the validated environments.
 */
const root = join(__dirname, '..', '..');
const names = (n: number, prefix = 'acct') =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { cwd: root, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function moved(before: Map<string, number>, after: Map<string, number>): number {
  return [...before].filter(([name, shard]) => after.has(name) && after.get(name) !== shard).length;
}

describe('shards', () => {
  it.each([1, 3, 200, 256, 257, 1000, 5000])(
    '%i stacks: at most 256 shards, each stack once, none over the cap',
    (n) => {
      const shards = shardsOf(names(n));
      expect(shards.length).toBeLessThanOrEqual(SHARD_SLOTS);
      expect(shards.flatMap((s) => s.stacks).sort()).toEqual(names(n));
      const sizes = shards.map((s) => s.stacks.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(shardCapacity(n));
      expect(shards.every((s) => s.shard >= 0 && s.shard < SHARD_SLOTS)).toBe(true);
    },
  );

  it('5,000 stacks: 256 shards, the largest at most 1.25 times the average', () => {
    const sizes = shardsOf(names(5000)).map((s) => s.stacks.length);
    expect(sizes).toHaveLength(256);
    expect(shardCapacity(5000)).toBe(25);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil((1.25 * 5000) / 256));
    // Every slot is used: the shards are as many as GitHub allows.
    expect(Math.min(...sizes)).toBeGreaterThan(0);
  });

  it('up to 204 stacks every stack has a shard of its own', () => {
    expect(shardsOf(names(204)).every((s) => s.stacks.length === 1)).toBe(true);
    expect(shardsOf(names(205)).some((s) => s.stacks.length === 2)).toBe(true);
  });

  it('the same stacks give the same shards, whatever their order', () => {
    const list = names(1000);
    expect(assignShards([...list].reverse())).toEqual(assignShards(list));
  });

  it('stable: adding or removing accounts moves few of the others', () => {
    const base = assignShards(names(5000));
    // One account more or less: no other stack, or a handful, changes shard.
    expect(moved(base, assignShards(names(5001)))).toBeLessThanOrEqual(10);
    expect(moved(base, assignShards(names(4999)))).toBeLessThanOrEqual(10);
    // 50 accounts more (1 %): well under 1 % of the others move; a modulo over a count-dependent
    // shard number would move nearly all of them.
    const more = assignShards([...names(5000), ...names(50, 'new')]);
    expect(moved(base, more)).toBeLessThan(50);
    const hash = (name: string) => parseInt(createHash('sha256').update(name).digest('hex').slice(0, 8), 16);
    const modulo = (list: string[], shards: number) => new Map(list.map((n) => [n, hash(n) % shards]));
    expect(moved(modulo(names(250), 250), modulo(names(251), 251))).toBeGreaterThan(200);
  });
});

describe("the shard's GitHub environment", () => {
  const target = (name: string, deployEnvironment: string): CiTarget => ({
    name,
    accountId: '123456789012',
    region: 'eu-west-1',
    planRoleArn: `arn:aws:iam::123456789012:role/${name}-plan`,
    deployRoleArn: `arn:aws:iam::123456789012:role/${name}-deploy`,
    deployEnvironment,
    state: { type: 'local' },
  });

  it("is the one its stacks' deploy roles trust, or shard-NNN when they trust different ones", () => {
    const list = names(300);
    const shared = matrixOf(list.map((n) => target(n, 'organization-deploy')));
    expect(new Set(shared.map((s) => s.environment))).toEqual(new Set(['organization-deploy']));
    const own = matrixOf(list.map((n) => target(n, n)));
    for (const entry of own) {
      expect(entry.environment).toBe(
        entry.stacks.length === 1 ? entry.stacks[0] : `shard-${String(entry.shard).padStart(3, '0')}`,
      );
    }
    expect(own.some((s) => s.stacks.length > 1)).toBe(true);
  });
});

describe('environments command', () => {
  it('reads the validated environments: one shard per stack with ci settings, the environment named after it', async () => {
    const { code, stdout, stderr } = await run(['environments']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const matrix = JSON.parse(stdout) as { shard: number; environment: string; stacks: string[] }[];
    expect(matrix.map((m) => m.stacks)).toEqual(expect.arrayContaining([['dev'], ['prod']]));
    expect(matrix).toHaveLength(2);
    for (const entry of matrix) expect(entry.environment).toBe(entry.stacks[0]);
    const shard = assignShards(['dev', 'prod']).get('dev')!;
    expect(matrix.find((m) => m.stacks[0] === 'dev')?.shard).toBe(shard);
  });

  it('--shard N gives each stack its roles, region and state location', async () => {
    const shard = assignShards(['dev', 'prod']).get('dev')!;
    const { code, stdout } = await run(['environments', '--shard', String(shard)]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        name: 'dev',
        accountId: '210987654321',
        region: 'eu-central-1',
        planRoleArn: 'arn:aws:iam::210987654321:role/dev-github-plan',
        deployRoleArn: 'arn:aws:iam::210987654321:role/dev-github-deploy',
        deployEnvironment: 'dev',
        state: {
          type: 's3',
          bucket: 'example-dev-terraform-state',
          key: 'dev/terraform.tfstate',
          region: 'eu-central-1',
          lockfile: true,
        },
      },
    ]);
  });

  it('the environment files and the synthesized stacks agree on every field', async () => {
    const { outdir } = synthesize(environmentSources);
    const fromSynth = synthesizedTargets(root, outdir);
    const rows: CiTarget[] = [];
    for (const entry of matrixOf(fromSynth)) {
      const { stdout } = await run(['environments', '--shard', String(entry.shard)]);
      rows.push(...(JSON.parse(stdout) as CiTarget[]));
    }
    expect(fromSynth.map((t) => t.name).sort()).toEqual(['dev', 'prod']);
    expect(rows.sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual(
      [...fromSynth].sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
  });

  it("a shared ci.deployEnvironment: the deploy roles trust it, the matrix runs the shard in it, the names stay the environment's", () => {
    const shared = environmentSources.map((source) =>
      source.input.ci
        ? { ...source, input: { ...source.input, ci: { ...source.input.ci, deployEnvironment: 'production' } } }
        : source,
    );
    const { outdir, stacks } = synthesize(shared);
    const targets = synthesizedTargets(root, outdir);
    expect(targets.map((t) => [t.name, t.deployEnvironment])).toEqual([
      ['dev', 'production'],
      ['prod', 'production'],
    ]);
    expect(targetsOfEnvironments(loadEnvironments(shared, { rootDir: root }), stackNames)).toEqual(targets);
    expect(new Set(matrixOf(targets).map((entry) => entry.environment))).toEqual(new Set(['production']));
    const roles = Object.values(stacks.get('dev')!.json.resource.aws_iam_role) as {
      name: string;
      assume_role_policy: string;
    }[];
    const deploy = roles.find((r) => r.name === 'dev-github-deploy')!;
    expect(deploy.assume_role_policy).toContain('environment:production');
    expect(deploy.assume_role_policy).not.toContain('environment:dev');
    const policies = Object.values(stacks.get('dev')!.json.resource.aws_iam_policy) as { name: string }[];
    expect(policies.map((p) => p.name)).toContain('dev-permissions-boundary');
  });

  it('refuses a shard that holds no stack, and an unknown stack, naming what there is', async () => {
    const empty = [...Array(256).keys()].find((s) => ![...assignShards(['dev', 'prod']).values()].includes(s))!;
    const none = await run(['environments', '--shard', String(empty)]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(new RegExp(`--shard ${empty} holds no stack; shards: \\d+, \\d+`));
    const bad = await run(['environments', '--shard', '300']);
    expect(bad.stderr).toContain('--shard must be a shard number 0-255 from the matrix, got "300"');
    const unknown = await run(['environments', 'nosuch']);
    expect(unknown.stderr).toContain('no stack with GitHub Actions roles named "nosuch"');
  });
});
