import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { EXIT, InputFileError, UnknownStackError, UsageError } from '../errors';
import {
  type DeployRecord,
  EMPTY_RECORD,
  type StackRecord,
  appStacks,
  checkDeployRecord,
  readDeployRecord,
  stackDigest,
} from './changed-stacks';
import { readMatrixStacks } from './ci-targets';
import { defineCommand } from './command';
import { type GitHubApi, githubFromEnvironment } from './github-api';
import { type StackResult, readShardResults } from './run-shard';

/** The artifact that carries the record from one deploy run to the next, and the file in it. */
export const RECORD_ARTIFACT = 'deployed-stacks';
export const RECORD_FILE = `${RECORD_ARTIFACT}.json`;
/** Pages of 100 artifacts looked through for the newest record. */
const RECORD_PAGES = 5;

export const DEPLOY_RECORD_HELP = `Usage: ssm-federated-access deploy-record --action fetch|start|finish --record FILE [options]

Keeps the deploy record: per stack, the sha256 of the configuration (cdk.tf.json and its assets,
as changed-stacks compares them) that a deploy run set out to apply, and whether its apply
succeeded. The deploy workflow plans only the stacks whose configuration differs from the record
(changed-stacks --deployed FILE). The record is the ${RECORD_FILE} file of the newest
"${RECORD_ARTIFACT}" artifact of the deploy workflow's runs on the branch; each run uploads it
again (actions/upload-artifact, overwrite), so every version stays downloadable beside the run that
wrote it for as long as artifacts are kept.

  fetch   write the newest record into FILE, or an empty one when there is none (every stack is
          then planned): only an artifact of a run of --workflow on --branch of this repository
          counts, never one of a pull request or a fork
  start   mark the stacks of --matrix (the environments matrix of this run) "started" with the
          sha256 of their files in --out, before any of them is planned; drop the stacks that are
          no longer in the app. A run that never reports back leaves them started: planned again
  finish  mark "applied" each stack that run-shard --action apply --results reports applied, or
          skipped because its plan changed nothing, when the record still holds this run's start
          with the same sha256 (a later run that started it since wins)

Options:
  --action ACTION      fetch, start or finish
  --record FILE        the record file (written by fetch; read and rewritten by start and finish)
  --matrix FILE        start: the environments matrix the plan and apply jobs run
  --out DIR            start: the synthesized app (default cdktf.out)
  --results DIR        finish: the results-*.json files of the apply jobs
  --workflow FILE      fetch: the deploy workflow's file name (default deploy.yml)
  --branch NAME        fetch: the branch it deploys (default main)
  --run ID             start, finish: this run (default $GITHUB_RUN_ID)
  --commit SHA         start: this run's commit (default $GITHUB_SHA)
  -h, --help           show this help

Environment (fetch): GITHUB_TOKEN (actions: read), GITHUB_REPOSITORY (owner/name), GITHUB_API_URL
(default https://api.github.com).
`;

export const deployRecord = defineCommand({
  name: 'deploy-record',
  summary: 'fetch, start or finish the record of what each stack last had deployed',
  help: DEPLOY_RECORD_HELP,
  options: {
    action: { type: 'string' },
    record: { type: 'string' },
    matrix: { type: 'string' },
    out: { type: 'string', default: 'cdktf.out' },
    results: { type: 'string' },
    workflow: { type: 'string', default: 'deploy.yml' },
    branch: { type: 'string', default: 'main' },
    run: { type: 'string' },
    commit: { type: 'string' },
  },
  async run({ values: given }, io) {
    // The job's own run and commit, read when the command runs.
    const values = {
      ...given,
      run: given.run ?? process.env.GITHUB_RUN_ID,
      commit: given.commit ?? process.env.GITHUB_SHA,
    };
    if (values.record === undefined) throw new UsageError(`--record FILE is required (${RECORD_FILE})`);
    const file = resolve(io.cwd, values.record);
    const required = (name: 'matrix' | 'results' | 'run' | 'commit', what: string): string => {
      const value = values[name];
      if (value === undefined || value === '')
        throw new UsageError(`--action ${values.action} needs --${name} ${what}`);
      return value;
    };
    const written = (record: DeployRecord, stdout: string) => ({
      code: EXIT.ok,
      stdout,
      files: [{ path: file, content: `${JSON.stringify(record, null, 2)}\n` }],
    });
    const at = new Date().toISOString();
    switch (values.action) {
      case 'fetch': {
        const github = githubFromEnvironment(process.env, 'actions: read');
        const found = await fetchRecord(github, values.workflow, values.branch);
        return written(found?.record ?? EMPTY_RECORD, `${describeFetch(found, values.workflow, values.branch)}\n`);
      }
      case 'start': {
        const stacks = readMatrixStacks(io.cwd, required('matrix', 'FILE (the environments matrix)'));
        const run = { run: required('run', 'ID'), commit: required('commit', 'SHA'), at };
        const record = startStacks(readDeployRecord(file), appStacks(resolve(io.cwd, values.out)), stacks, run);
        return written(record, `started ${stacks.length} stack${stacks.length === 1 ? '' : 's'} in run ${run.run}\n`);
      }
      case 'finish': {
        const results = readResults(resolve(io.cwd, required('results', "DIR (the apply jobs' results)")));
        const { record, lines } = finishStacks(readDeployRecord(file), results, required('run', 'ID'), at);
        return written(record, lines.map((l) => `${l}\n`).join(''));
      }
      default:
        throw new UsageError(`--action must be fetch, start or finish, got "${values.action ?? ''}"`);
    }
  },
});

/** A record found among the workflow's artifacts, and where it came from. */
export interface FoundRecord {
  readonly record: DeployRecord;
  readonly artifactId: number;
  readonly runId: number;
  readonly createdAt: string;
}

interface Artifact {
  readonly id: number;
  readonly expired: boolean;
  readonly created_at: string;
  readonly workflow_run?: {
    readonly id: number;
    readonly repository_id: number;
    readonly head_repository_id: number;
    readonly head_branch: string;
  };
}

/**
 * The newest record artifact of a run of `workflow` on `branch` of this repository. Any workflow
 * can upload an artifact of that name (a pull request's too), so each candidate's run is looked up
 * and only the deploy workflow's own counts.
 */
export async function fetchRecord(
  github: GitHubApi,
  workflow: string,
  branch: string,
): Promise<FoundRecord | undefined> {
  const repo = `/repos/${github.repository}`;
  const checked = new Map<number, boolean>();
  const ofDeployWorkflow = async (runId: number): Promise<boolean> => {
    if (!checked.has(runId)) {
      const run = (await github.request('GET', `${repo}/actions/runs/${runId}`)) as {
        path?: string;
        head_branch?: string;
      };
      checked.set(runId, run.path === `.github/workflows/${workflow}` && run.head_branch === branch);
    }
    return checked.get(runId)!;
  };
  // Newest first; a few pages, so that other workflows' artifacts of the same name cannot hide it.
  for (let page = 1; page <= RECORD_PAGES; page++) {
    const { artifacts } = (await github.request(
      'GET',
      `${repo}/actions/artifacts?name=${encodeURIComponent(RECORD_ARTIFACT)}&per_page=100&page=${page}`,
    )) as { artifacts: Artifact[] };
    const candidates = artifacts
      .filter(
        (a) =>
          !a.expired &&
          a.workflow_run !== undefined &&
          a.workflow_run.head_branch === branch &&
          a.workflow_run.head_repository_id === a.workflow_run.repository_id,
      )
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
    for (const artifact of candidates) {
      const runId = artifact.workflow_run!.id;
      if (!(await ofDeployWorkflow(runId))) continue;
      const source = `artifact ${artifact.id} of run ${runId}`;
      const zip = await github.download(`${repo}/actions/artifacts/${artifact.id}/zip`);
      let json: unknown;
      try {
        json = JSON.parse(zipEntry(zip, RECORD_FILE, source).toString('utf8'));
      } catch (error) {
        if (error instanceof InputFileError) throw error;
        throw new InputFileError(`${source}: ${RECORD_FILE} is not JSON (${(error as Error).message})`);
      }
      return {
        record: checkDeployRecord(json, source),
        artifactId: artifact.id,
        runId,
        createdAt: artifact.created_at,
      };
    }
    if (artifacts.length < 100) break;
  }
  return undefined;
}

function describeFetch(found: FoundRecord | undefined, workflow: string, branch: string): string {
  if (!found) return `no deploy record from ${workflow} on ${branch}: every stack will be planned`;
  const entries = Object.values(found.record.stacks);
  const applied = entries.filter((e) => e.state === 'applied').length;
  return `deploy record of run ${found.runId} (artifact ${found.artifactId}, ${found.createdAt}): ${applied} stacks applied, ${entries.length - applied} started and not reported applied`;
}

/** `record` with `stacks` started by `run`, and without the stacks the app no longer has. */
export function startStacks(
  record: DeployRecord,
  app: ReadonlyMap<string, string>,
  stacks: readonly string[],
  run: Pick<StackRecord, 'run' | 'commit' | 'at'>,
): DeployRecord {
  const missing = stacks.filter((name) => !app.has(name));
  if (missing.length > 0)
    throw new UnknownStackError(
      `--matrix names stacks the synthesized app does not have: ${missing.join(', ')}; synthesize first`,
    );
  const next: Record<string, StackRecord> = Object.fromEntries(
    Object.entries(record.stacks).filter(([name]) => app.has(name)),
  );
  for (const name of stacks) next[name] = { sha256: stackDigest(app.get(name)!), state: 'started', ...run };
  return { format: 1, stacks: sortedByName(next) };
}

/** `record` with this run's successful applies marked applied; one line per stack saying what was done. */
export function finishStacks(
  record: DeployRecord,
  results: readonly StackResult[],
  run: string,
  at: string,
): { record: DeployRecord; lines: string[] } {
  const next: Record<string, StackRecord> = { ...record.stacks };
  const lines: string[] = [];
  for (const result of results) {
    const entry = next[result.name];
    if (result.status !== 'applied' && result.status !== 'skipped') {
      lines.push(`${result.name}: ${result.status}, left started (planned again by the next deploy)`);
    } else if (entry === undefined || entry.run !== run) {
      lines.push(
        `${result.name}: ${result.status}, but ${entry ? `run ${entry.run}` : 'no run'} holds its record now: left as is`,
      );
    } else if (entry.sha256 !== result.sha256) {
      lines.push(`${result.name}: ${result.status} a configuration other than the one started: left started`);
    } else {
      next[result.name] = { ...entry, state: 'applied', at };
      lines.push(`${result.name}: ${result.status}, recorded applied`);
    }
  }
  return { record: { format: 1, stacks: sortedByName(next) }, lines };
}

function sortedByName(stacks: Record<string, StackRecord>): Record<string, StackRecord> {
  return Object.fromEntries(Object.entries(stacks).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The apply jobs' results: every results-*.json in `dir`. */
function readResults(dir: string): StackResult[] {
  // No folder means no apply job reported (all failed or were cancelled): nothing to mark.
  return existsSync(dir) ? readShardResults(dir) : [];
}

/**
 * One file of a zip archive (what GitHub serves for an artifact): stored or deflated, found
 * through the central directory, whose sizes are exact even when the entry used a data descriptor.
 */
export function zipEntry(zip: Buffer, name: string, source: string): Buffer {
  const broken = (why: string) => new InputFileError(`${source}: not a readable zip archive (${why})`);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw broken('no end of central directory');
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw broken('bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw broken(`compression method ${method}`);
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new InputFileError(`${source}: has no ${name}`);
}
