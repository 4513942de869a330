import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { AppNotFoundError, EXIT, InputFileError, UsageError } from '../errors';
import { defineCommand } from './command';

export const CHANGED_STACKS_HELP = `Usage: ssm-federated-access changed-stacks [options] --base DIR | --deployed FILE

Compares a synthesized app (a cdktf.out folder), stack by stack, with another commit's or with what
was last deployed: cdk.tf.json and the asset files beside it. Synthesis is deterministic, so a stack
whose files are byte for byte the same has the same configuration, and its plan can only show
drift, not the change under review. Prints one line of JSON:
{"added": [...], "changed": [...], "deleted": [...], "unchanged": [...]}, names sorted.

Options:
  --base DIR           the base commit's synthesized app
  --deployed FILE      instead of a base app, the deploy record (deploy-record): a stack is unchanged
                       only when its record says applied with the sha256 of its files now; a stack
                       with no record is added, one whose deploy started and did not report success
                       is changed, and a record without a stack is deleted
  --head DIR           the head commit's synthesized app (default cdktf.out)
  --copy-changed DIR   also copy the added and changed stacks of the head, with a manifest that
                       lists only them, into DIR (what the plan jobs need, not the whole app)
  -h, --help           show this help

Files that terraform writes beside the configuration (.terraform, .terraform.lock.hcl, tfplan,
plan.txt, plan.json, state files) are not compared.
`;

/** How the stacks of two synthesized apps differ. */
export interface StackChanges {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly deleted: readonly string[];
  readonly unchanged: readonly string[];
}

export const changedStacks = defineCommand({
  name: 'changed-stacks',
  summary: 'the stacks whose synthesized configuration differs between two commits, as JSON',
  help: CHANGED_STACKS_HELP,
  options: {
    base: { type: 'string' },
    deployed: { type: 'string' },
    head: { type: 'string', default: 'cdktf.out' },
    'copy-changed': { type: 'string' },
  },
  async run({ values }, io) {
    if ((values.base === undefined) === (values.deployed === undefined))
      throw new UsageError(
        "give one of --base DIR (the base commit's cdktf.out) and --deployed FILE (the deploy record)",
      );
    const head = resolve(io.cwd, values.head);
    const changes =
      values.base !== undefined
        ? compareApps(resolve(io.cwd, values.base), head)
        : compareWithRecord(readDeployRecord(resolve(io.cwd, values.deployed!)), head);
    const files =
      values['copy-changed'] !== undefined
        ? copyStacks(head, resolve(io.cwd, values['copy-changed']), [...changes.added, ...changes.changed])
        : [];
    return { code: EXIT.ok, stdout: `${JSON.stringify(changes)}\n`, files };
  },
});

/** Stack name -> stack folder, from a synthesized app's manifest. */
export function appStacks(outdir: string): Map<string, string> {
  const file = join(outdir, 'manifest.json');
  if (!existsSync(file))
    throw new AppNotFoundError(`${outdir}: no manifest.json; point at the folder cdktf synth writes (cdktf.out)`);
  let manifest: { stacks?: Record<string, { name: string; workingDirectory: string }> };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as typeof manifest;
  } catch (error) {
    throw new AppNotFoundError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return new Map(Object.values(manifest.stacks ?? {}).map((s) => [s.name, join(outdir, s.workingDirectory)]));
}

const CHANGE_KINDS = ['added', 'changed', 'deleted', 'unchanged'] as const;

/** The output of changed-stacks in `file`; `option` names it in the error (`--changed FILE`). */
export function readStackChanges(cwd: string, option: string, file: string): StackChanges {
  let changes: Partial<Record<keyof StackChanges, unknown>> | null;
  try {
    changes = JSON.parse(readFileSync(resolve(cwd, file), 'utf8')) as typeof changes;
  } catch (error) {
    throw new InputFileError(`${option} ${file}: cannot read it as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  for (const kind of CHANGE_KINDS) {
    if (!Array.isArray(changes?.[kind]))
      throw new InputFileError(
        `${option} ${file}: has no "${kind}" list; make it with ssm-federated-access changed-stacks`,
      );
  }
  return changes as StackChanges;
}

/** The stacks to plan or apply: the added and the changed ones. */
export function changedStackNames(changes: StackChanges): Set<string> {
  return new Set([...changes.added, ...changes.changed]);
}

/** Compares every stack folder of `head` with the one of the same name in `base`. */
export function compareApps(base: string, head: string): StackChanges {
  const before = appStacks(base);
  return classifyStacks(appStacks(head), before.keys(), (name, dir) => sameFolder(before.get(name)!, dir));
}

/**
 * Sorts the stacks of `head` (name -> folder) into added (not in `known`), unchanged and changed;
 * the names of `known` that `head` lacks are deleted. Each list sorted.
 */
function classifyStacks(
  head: ReadonlyMap<string, string>,
  known: Iterable<string>,
  isUnchanged: (name: string, dir: string) => boolean,
): StackChanges {
  const before = new Set(known);
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const [name, dir] of head) {
    if (!before.has(name)) added.push(name);
    else if (isUnchanged(name, dir)) unchanged.push(name);
    else changed.push(name);
  }
  const deleted = [...before].filter((name) => !head.has(name));
  return { added: added.sort(), changed: changed.sort(), deleted: deleted.sort(), unchanged: unchanged.sort() };
}

/**
 * What the deploy workflow last did to each stack, carried from one deploy run to the next (see
 * deploy-record). A stack is skipped only when its entry says `applied` with the digest of the
 * stack's files now; anything else (no entry, a deploy that started and never reported success)
 * plans it again.
 */
export interface DeployRecord {
  readonly format: 1;
  readonly stacks: Readonly<Record<string, StackRecord>>;
}

export interface StackRecord {
  /** {@link stackDigest} of the configuration the run set out to apply. */
  readonly sha256: string;
  /** `started` when the run chose the stack (before its plan), `applied` once its apply succeeded. */
  readonly state: 'started' | 'applied';
  /** The commit the configuration was synthesized from. */
  readonly commit: string;
  /** The deploy run (GITHUB_RUN_ID) that wrote the entry. */
  readonly run: string;
  /** When the entry was written (ISO 8601). */
  readonly at: string;
}

export const EMPTY_RECORD: DeployRecord = { format: 1, stacks: {} };

/** Reads and checks a deploy record file. */
export function readDeployRecord(file: string): DeployRecord {
  let record: DeployRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as DeployRecord;
  } catch (error) {
    throw new InputFileError(`${file}: cannot read it as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  return checkDeployRecord(record, file);
}

/** The record if it has the shape of format 1, or an error naming `source`. */
export function checkDeployRecord(record: unknown, source: string): DeployRecord {
  const r = record as DeployRecord | null;
  const entries = r !== null && typeof r === 'object' && r.format === 1 ? r.stacks : undefined;
  const valid =
    entries !== null &&
    typeof entries === 'object' &&
    Object.values(entries).every(
      (e) =>
        typeof e?.sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(e.sha256) &&
        (e.state === 'started' || e.state === 'applied'),
    );
  if (!valid)
    throw new InputFileError(
      `${source}: not a deploy record (format 1: {"format": 1, "stacks": {NAME: {sha256, state, commit, run, at}}})`,
    );
  return r!;
}

/** Compares every stack folder of `head` with what `record` says was deployed. */
export function compareWithRecord(record: DeployRecord, head: string): StackChanges {
  return classifyStacks(appStacks(head), Object.keys(record.stacks), (name, dir) => {
    const entry = record.stacks[name];
    return entry.state === 'applied' && entry.sha256 === stackDigest(dir);
  });
}

/**
 * The sha256 of a stack's configuration: each configuration file's path, size and bytes, in path
 * order. Two folders have the same digest exactly when compareApps finds them the same.
 */
export function stackDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of configurationFiles(dir)) {
    const bytes = readFileSync(join(dir, file));
    hash.update(`${file}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** What terraform writes into a stack folder; not configuration. */
const NOT_CONFIGURATION =
  /^(\.terraform|\.terraform\.lock\.hcl|tfplan|plan\.txt|plan\.json|terraform\.tfstate.*|.*_override\.tf\.json)$/;

function configurationFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (at === dir && NOT_CONFIGURATION.test(entry.name)) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

function sameFolder(a: string, b: string): boolean {
  const files = configurationFiles(a);
  const other = configurationFiles(b);
  if (files.length !== other.length || files.some((f, i) => f !== other[i])) return false;
  // Sizes first: most changed files differ in length, and a stat is cheaper than a read.
  if (files.some((f) => statSync(join(a, f)).size !== statSync(join(b, f)).size)) return false;
  return files.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

/** Copies `names`' stack folders and a manifest of only them (files written by the caller). */
function copyStacks(head: string, to: string, names: readonly string[]): { path: string; content: string }[] {
  const manifest = JSON.parse(readFileSync(join(head, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { name: string; workingDirectory: string }>;
  };
  const kept = Object.fromEntries(Object.entries(manifest.stacks).filter(([, s]) => names.includes(s.name)));
  for (const stack of Object.values(kept)) {
    cpSync(join(head, stack.workingDirectory), join(to, stack.workingDirectory), {
      recursive: true,
      filter: (src) => !/[\\/]\.terraform$/.test(src),
    });
  }
  return [{ path: join(to, 'manifest.json'), content: `${JSON.stringify({ ...manifest, stacks: kept }, null, 2)}\n` }];
}
