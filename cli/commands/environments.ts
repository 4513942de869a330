import { EXIT, UnknownStackError, UsageError } from '../errors';
import { changedStackNames, readStackChanges } from './changed-stacks';
import { type CiTarget, matrixOf, projectTargets, shardTargets, synthesizedTargets } from './ci-targets';
import { defineCommand } from './command';
import { SHARD_SLOTS } from './shards';

export const ENVIRONMENTS_HELP = `Usage: ssm-federated-access environments [options] [STACK ...]

Prints, as one line of JSON for a GitHub Actions matrix, the shards of the stacks that have the
GitHub Actions roles (an environment's "ci" settings): at most ${SHARD_SLOTS} entries however many
accounts there are, each {"shard": N, "environment": NAME, "stacks": [...]}, where NAME is the
GitHub environment the stacks' deploy roles trust (shard-NNN when they trust different ones). A stack stays in its
shard from one run to the next; adding accounts moves few others (rendezvous hashing with a bounded
load: no shard holds more than 1.25 times the average). This project's environment files are read
and validated, not synthesized: 5,000 accounts take well under a second.

Options:
  --shard N            print the stacks of shard N instead, one object each: name, accountId, region,
                       planRoleArn, deployRoleArn, deployEnvironment (the GitHub environment its
                       deploy role trusts) and state (where its Terraform state is)
  --changed FILE       keep only the stacks that FILE (the output of changed-stacks) lists as added or
                       changed; shard numbers stay those of the whole list
  --out DIR            read the synthesized app in DIR (a cdktf.out folder with manifest.json)
                       instead of this project's environments (for your own CDKTF app)
  -h, --help           show this help

STACK ... keeps only those stacks (shard numbers stay those of the whole list).
`;

export const environments = defineCommand({
  name: 'environments',
  summary: 'the stacks with GitHub Actions roles, in at most 256 stable shards, as JSON for a workflow matrix',
  help: ENVIRONMENTS_HELP,
  options: { out: { type: 'string' }, shard: { type: 'string' }, changed: { type: 'string' } },
  positionals: true,
  async run({ values, positionals }, io) {
    const targets = await loadTargets(io.cwd, values.out);
    if (values.shard !== undefined) {
      return {
        code: EXIT.ok,
        stdout: `${JSON.stringify(shardTargets(targets, parseShard(values.shard)))}\n`,
        files: [],
      };
    }
    const keep = selection(io.cwd, targets, positionals, values.changed);
    const matrix = matrixOf(targets)
      .map((entry) => ({ ...entry, stacks: entry.stacks.filter((s) => keep === undefined || keep.has(s)) }))
      .filter((entry) => entry.stacks.length > 0);
    return { code: EXIT.ok, stdout: `${JSON.stringify(matrix)}\n`, files: [] };
  },
});

/** The targets of this project's environments, or of a synthesized app with `--out`. */
export function loadTargets(cwd: string, out: string | undefined): Promise<CiTarget[]> | CiTarget[] {
  return out === undefined ? projectTargets(cwd) : synthesizedTargets(cwd, out);
}

export function parseShard(text: string): number {
  const shard = Number(text);
  if (!/^\d+$/.test(text) || shard >= SHARD_SLOTS)
    throw new UsageError(`--shard must be a shard number 0-${SHARD_SLOTS - 1} from the matrix, got "${text}"`);
  return shard;
}

function selection(
  cwd: string,
  targets: readonly CiTarget[],
  names: readonly string[],
  changedFile: string | undefined,
): Set<string> | undefined {
  const unknown = names.filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length > 0) {
    throw new UnknownStackError(
      `no stack with GitHub Actions roles named ${unknown.map((n) => `"${n}"`).join(', ')}; add "ci" to its environment or check the name`,
    );
  }
  let keep = names.length > 0 ? new Set(names) : undefined;
  if (changedFile !== undefined) {
    const changed = changedStackNames(readStackChanges(cwd, '--changed', changedFile));
    keep = new Set([...(keep ?? changed)].filter((n) => changed.has(n)));
  }
  return keep;
}
