import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { App } from 'cdktf';
import { validationProblems } from '../modules/core/validation';
import type { EnvironmentConfig } from '../modules/environment/load-environment';
import { buildApp } from './app';

/**
 * Synthesizes many stacks with flat memory. A thread keeps every stack it ever built (cdktf
 * registers every token in one map per thread that is never emptied, and tokens reach their
 * constructs: about 1 MiB per environment), so for a large app the stacks are built a batch at a
 * time, one App per batch, on worker threads that exit to free what they built. A stack's files do
 * not depend on the other stacks of the app, so they are the bytes one App writes; the manifest.json
 * that lists them is written once at the end, as cdktf writes it.
 *
 * Nothing is written unless every stack is valid: the batches are written into a staging folder
 * inside the output folder and their files moved into place only when no construct reported a
 * problem.
 */

/** One stack's entry of cdktf's manifest.json. */
type StackManifest = App['manifest']['stacks'][string];

/** Options of {@link synthesizeStacks}. */
export interface SynthesizeStacksOptions {
  /** @default CDKTF_OUTDIR, else cdktf.out (what App uses) */
  readonly outdir?: string;
  /** Stacks per App. @default {@link DEFAULT_BATCH_SIZE} */
  readonly batchSize?: number;
  /**
   * Worker threads that synthesize at once, when there is more than one batch. Worker threads run
   * the compiled app only (dist/ or the app command's bundle); under a TypeScript loader (ts-jest)
   * every batch runs on this thread.
   *
   * @default SSM_FEDERATED_ACCESS_SYNTH_THREADS, else the number of CPUs
   */
  readonly threads?: number;
  /**
   * Heap a worker thread may hold before it exits for a fresh one (checked after each batch).
   *
   * @default {@link DEFAULT_WORKER_HEAP_MIB}
   */
  readonly workerHeapMiB?: number;
  /** @default the process's standard error */
  readonly stderr?: (text: string) => void;
}

/** Stacks per App. */
export const DEFAULT_BATCH_SIZE = 10;

/**
 * A worker thread keeps what it built (about 0.25 MiB of live heap per stack) until it exits, and
 * a fresh thread spends about a second of CPU loading the app's modules and warming up its code:
 * the budget sets how often that is paid against how much memory the threads hold.
 */
export const DEFAULT_WORKER_HEAP_MIB = 96;

/**
 * V8's young generation of a worker thread (24 MiB: two 8 MiB semi-spaces; V8's default is twice
 * that). A synth's short-lived objects die young either way; the memory saved goes to the heap
 * budget above, which saves more CPU (fewer fresh threads) than the extra scavenges cost.
 */
const WORKER_YOUNG_GENERATION_MIB = 24;

interface Batch {
  readonly index: number;
  readonly configs: readonly EnvironmentConfig[];
  /** false once another batch reported problems: only the problems are collected. */
  readonly write: boolean;
}

interface BatchResult {
  readonly index: number;
  readonly manifests: StackManifest[];
  readonly problems: string[];
}

const WORKER_MARK = 'ssmFederatedAccessSynthWorker';

/** Builds one batch in a fresh App and, when it is valid and `write` is set, writes it into `staging`. */
function synthesizeBatch(batch: Batch, staging: string): BatchResult {
  // Validated once, here: `app.synth()` would run every construct's validations a second time.
  // Synthesized as built: nothing is added to the stacks, so none refers to another.
  const app = buildApp(batch.configs, { outdir: staging, skipValidation: true, synthesizedAsBuilt: true });
  const problems = validationProblems(app);
  if (problems.length > 0 || !batch.write) return { index: batch.index, manifests: [], problems };
  app.synth();
  return { index: batch.index, manifests: Object.values(app.manifest.stacks), problems };
}

function batchesOf(configs: readonly EnvironmentConfig[], size: number): EnvironmentConfig[][] {
  const batches: EnvironmentConfig[][] = [];
  for (let i = 0; i < configs.length; i += size) batches.push(configs.slice(i, i + size));
  return batches;
}

function resolveOptions(options: SynthesizeStacksOptions) {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be 1 or more, got ${batchSize}`);
  return {
    outdir: options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out',
    batchSize,
    stderr: options.stderr ?? ((text: string) => process.stderr.write(text)),
  };
}

function threadCount(requested: number | undefined, batches: number): number {
  const fromEnv = process.env.SSM_FEDERATED_ACCESS_SYNTH_THREADS;
  const wanted = requested ?? (fromEnv ? Number(fromEnv) : availableParallelism());
  if (!Number.isInteger(wanted) || wanted < 1) {
    const setting = requested === undefined ? 'SSM_FEDERATED_ACCESS_SYNTH_THREADS' : 'threads';
    throw new Error(`${setting} must be a whole number of 1 or more, got ${JSON.stringify(requested ?? fromEnv)}`);
  }
  // Worker threads load this file, which must then be JavaScript (not under ts-jest or ts-node).
  const canRunWorkers = !__filename.endsWith('.ts');
  return canRunWorkers && batches > 1 ? Math.min(wanted, batches) : 0;
}

/**
 * Moves the staged stacks into the output folder and writes the manifest listing them, or, when a
 * construct reported a problem, removes the staging folder and writes the problems (each once, in
 * stack order, as `synthesizeApp` writes them). Returns whether the stacks were written.
 */
function finish(outdir: string, staging: string, results: BatchResult[], stderr: (text: string) => void): boolean {
  results.sort((a, b) => a.index - b.index);
  const problems = results.flatMap((result) => result.problems);
  if (problems.length > 0) {
    rmSync(staging, { recursive: true, force: true });
    stderr(`Invalid configuration, nothing synthesized:\n${problems.join('\n')}\n`);
    return false;
  }
  // The App writes the manifest as cdktf does (its own version, stack file names and key order).
  const app = new App({ outdir });
  for (const result of results) {
    for (const stack of result.manifests) {
      moveInto(join(staging, stack.workingDirectory), join(outdir, stack.workingDirectory));
      app.manifest.stacks[stack.name] = stack;
    }
  }
  app.manifest.writeToFile();
  rmSync(staging, { recursive: true, force: true });
  return true;
}

/**
 * Moves every file under `from` to the same place under `to`, replacing what is there, as App
 * writes into a stack folder: what the synth does not write stays (Terraform's `.terraform` folder
 * and lock file, override files beside cdk.tf.json). A folder that is not there yet is moved whole.
 */
function moveInto(from: string, to: string): void {
  if (!existsSync(to)) {
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
    return;
  }
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory() && existsSync(target) && statSync(target).isDirectory()) moveInto(source, target);
    else {
      if (existsSync(target) && statSync(target).isDirectory()) rmSync(target, { recursive: true });
      renameSync(source, target);
    }
  }
}

function stagingFolder(outdir: string): string {
  if (!existsSync(outdir)) mkdirSync(outdir, { recursive: true });
  const staging = mkdtempSync(join(outdir, '.synth-'));
  // Each batch's App creates `stacks/` in it unless it exists (check, then mkdir): made here once,
  // so worker threads starting at the same moment cannot race each other to it (EEXIST).
  mkdirSync(join(staging, 'stacks'));
  return staging;
}

/**
 * Validates and writes `configs`' stacks a batch at a time on this thread (which keeps them all in
 * memory, see above). Returns whether they were written (false: the problems went to `stderr` and
 * nothing was written).
 */
export function synthesizeStacksSync(
  configs: readonly EnvironmentConfig[],
  options: SynthesizeStacksOptions = {},
): boolean {
  const { outdir, batchSize, stderr } = resolveOptions(options);
  const staging = stagingFolder(outdir);
  const results: BatchResult[] = [];
  try {
    let write = true;
    batchesOf(configs, batchSize).forEach((batchConfigs, index) => {
      const result = synthesizeBatch({ index, configs: batchConfigs, write }, staging);
      if (result.problems.length > 0) write = false;
      results.push(result);
    });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return finish(outdir, staging, results, stderr);
}

/**
 * {@link synthesizeStacksSync} on `threads` worker threads, each taking batches until it holds
 * `workerHeapMiB` of heap, then exiting for a fresh one (exiting is what frees the memory). A fresh
 * thread loads the app's modules and runs cold code for its first stacks, hence the budget rather
 * than one thread per batch. This thread hands out the batches and moves the files into place. The
 * files are the same.
 */
export async function synthesizeStacks(
  configs: readonly EnvironmentConfig[],
  options: SynthesizeStacksOptions = {},
): Promise<boolean> {
  const { outdir, batchSize, stderr } = resolveOptions(options);
  const pending = batchesOf(configs, batchSize);
  const threads = threadCount(options.threads, pending.length);
  if (threads === 0) return synthesizeStacksSync(configs, options);
  const heapBudget = (options.workerHeapMiB ?? DEFAULT_WORKER_HEAP_MIB) * 1024 * 1024;

  const staging = stagingFolder(outdir);
  const results: BatchResult[] = [];
  let next = 0;
  let write = true;
  const take = (): Batch | undefined =>
    next < pending.length ? { index: next, configs: pending[next++], write } : undefined;
  const running = Array.from({ length: threads }, async () => {
    for (let batch = take(); batch;) {
      const worker = new SynthWorker(staging);
      try {
        for (; batch; batch = take()) {
          const { result, heapUsed } = await worker.run(batch);
          if (result.problems.length > 0) write = false;
          results.push(result);
          if (heapUsed > heapBudget) {
            batch = take();
            break;
          }
        }
      } finally {
        await worker.close();
      }
    }
  });
  try {
    await Promise.all(running);
  } catch (error) {
    next = pending.length;
    await Promise.allSettled(running);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return finish(outdir, staging, results, stderr);
}

type WorkerReply = { result: BatchResult; heapUsed: number } | { error: string };

/** A worker thread that synthesizes the batches it is sent, one at a time, into `staging`. */
class SynthWorker {
  private readonly worker: Worker;
  private waiting?: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void };
  private failure?: Error;

  constructor(staging: string) {
    this.worker = new Worker(__filename, {
      workerData: { [WORKER_MARK]: true, staging },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB },
    });
    this.worker.on('message', (reply: WorkerReply) => this.settle((w) => w.resolve(reply)));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`a synth worker thread exited (code ${code})`)));
  }

  private settle(action: (waiting: NonNullable<SynthWorker['waiting']>) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) action(waiting);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle((w) => w.reject(error));
  }

  async run(batch: Batch): Promise<{ result: BatchResult; heapUsed: number }> {
    if (this.failure) throw this.failure;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(batch);
    });
    if ('error' in reply) throw new Error(`synthesizing a batch of stacks failed: ${reply.error}`);
    return reply;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Runs `run` with V8's stack trace capture off, and restores it. cdktf captures every frame of the
 * stack for every token it creates (`creationStack`, named only in the error of a token that fails
 * to resolve): about a tenth of a synth's CPU time, for nothing the stacks written contain. cdktf
 * raises `Error.stackTraceLimit` to the largest integer around each capture, so setting it to 0 is
 * not enough; V8 reads the limit only from a plain data property, and captures nothing while it is
 * an accessor (the value set through it is kept and read back, so code that saves and restores it
 * works). Errors thrown meanwhile have no trace: see {@link synthesizeBatchWithoutTraces}.
 */
export function withoutStackTraces<T>(run: () => T): T {
  const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  let limit: unknown = original?.value;
  Object.defineProperty(Error, 'stackTraceLimit', {
    configurable: true,
    enumerable: original?.enumerable ?? true,
    get: () => limit,
    set: (value: unknown) => {
      limit = value;
    },
  });
  try {
    return run();
  } finally {
    if (original) Object.defineProperty(Error, 'stackTraceLimit', original);
    else delete (Error as { stackTraceLimit?: number }).stackTraceLimit;
  }
}

/**
 * {@link synthesizeBatch} with no stack traces captured. A batch that throws is built again with
 * traces on (the synth is deterministic, so it throws the same error), and that error is the one
 * thrown: its trace, and the creation stack cdktf names for a token that fails to resolve, are what
 * one App would report.
 */
function synthesizeBatchWithoutTraces(batch: Batch, staging: string): BatchResult {
  try {
    return withoutStackTraces(() => synthesizeBatch(batch, staging));
  } catch (error) {
    synthesizeBatch(batch, staging);
    throw error; // the second build did not throw: a construct is not deterministic
  }
}

// In a worker thread started by SynthWorker: synthesize each batch it is sent.
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_MARK]) {
  const { staging } = workerData as { staging: string };
  parentPort!.on('message', (batch: Batch) => {
    try {
      const result = synthesizeBatchWithoutTraces(batch, staging);
      parentPort!.postMessage({ result, heapUsed: getHeapStatistics().used_heap_size });
    } catch (error) {
      parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}
