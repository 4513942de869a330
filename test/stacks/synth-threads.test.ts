import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentSources } from '../../environments';
import { withoutStackTraces } from '../../stacks/synthesize-stacks';
import { differences, generatedSources, listFiles, oneAppSynth, readManifest } from './synth-output';

/**
 * Worker threads run the compiled app only, so these run the app command's bundle
 * (dist/app/main.cjs, built by `node stacks/run.mjs`) in a child process and compare what it writes
 * with one App synthesizing every stack in this process.
 */
const root = join(__dirname, '..', '..');
const bundle = join(root, 'dist', 'app', 'main.cjs');
const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function runBundle(options: Record<string, unknown>, sources = generatedSources(22), env: NodeJS.ProcessEnv = {}) {
  const dir = tmp('ssm-fa-threads-');
  const sourcesFile = join(dir, 'sources.json');
  writeFileSync(sourcesFile, JSON.stringify(sources));
  const outdir = join(dir, 'cdktf.out');
  const script = `
    const { runApp } = require(${JSON.stringify(bundle)});
    const sources = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(sourcesFile)}, 'utf8'));
    runApp({ sources, outdir: ${JSON.stringify(outdir)}, ...${JSON.stringify(options)} }).then((code) => {
      process.exitCode = code;
    });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
  });
  return { ...result, outdir };
}

describe('synthesizing on worker threads (the app command bundle)', () => {
  let reference: string;
  beforeAll(() => {
    // Builds the bundle as `cdktf synth` does, and synthesizes the shipped environments with it.
    const shipped = tmp('ssm-fa-run-');
    execFileSync(process.execPath, [join(root, 'stacks', 'run.mjs')], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: shipped },
      stdio: 'pipe',
    });
    expect(differences(oneAppSynth(environmentSources), shipped)).toEqual([]);
    reference = oneAppSynth(generatedSources(22));
  }, 240_000);

  it.each([
    ['a fresh worker thread for every batch', { batchSize: 4, threads: 2, workerHeapMiB: 1 }],
    ['worker threads that take several batches', { batchSize: 3, threads: 2, workerHeapMiB: 4096 }],
    ['one worker thread', { batchSize: 5, threads: 1 }],
  ])('%s: the same bytes as one App, manifest included', (_label, options) => {
    const run = runBundle(options);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(differences(reference, run.outdir)).toEqual([]);
    expect(readFileSync(join(run.outdir, 'manifest.json')).equals(readFileSync(join(reference, 'manifest.json')))).toBe(
      true,
    );
    expect(listFiles(run.outdir).filter((file) => file.startsWith('.'))).toEqual([]);
  });

  it('writes only the stacks named in SSM_FEDERATED_ACCESS_STACKS', () => {
    const run = runBundle({ batchSize: 2, threads: 2 }, generatedSources(22), {
      SSM_FEDERATED_ACCESS_STACKS: 'env-003,env-020,env-011',
    });
    expect(run.status).toBe(0);
    expect(Object.keys(readManifest(run.outdir).stacks).sort()).toEqual(['env-003', 'env-011', 'env-020']);
    expect(differences(reference, run.outdir, ['env-003', 'env-011', 'env-020'])).toEqual([]);
  });

  it('refuses a thread count that is not a whole number', () => {
    const run = runBundle({}, generatedSources(3), { SSM_FEDERATED_ACCESS_SYNTH_THREADS: 'two' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('SSM_FEDERATED_ACCESS_SYNTH_THREADS must be a whole number of 1 or more, got "two"');
  });
});

describe("a synth worker thread's stack traces", () => {
  /** How many frames a capture gets, done the way cdktf captures one for each token it creates. */
  function tokenCapture(): number {
    const token = { stack: '' };
    const previous = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
      Error.captureStackTrace(token);
    } finally {
      Error.stackTraceLimit = previous;
    }
    return token.stack ? token.stack.split('\n').length - 1 : 0;
  }

  it("captures nothing for a token's creation while the batch is built, even at cdktf's raised limit", () => {
    expect(tokenCapture()).toBeGreaterThan(0);
    expect(withoutStackTraces(tokenCapture)).toBe(0);
  });

  it('reads back the limit code sets meanwhile, and restores the property as it was', () => {
    const before = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
    const seen = withoutStackTraces(() => {
      Error.stackTraceLimit = 3;
      return Error.stackTraceLimit;
    });
    expect(seen).toBe(3);
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')).toEqual(before);
    expect(new Error('boom').stack).toMatch(/^Error: boom\n {4}at .+synth-threads\.test\.ts:\d+:\d+/);
  });

  it('restores it when the build throws; the error then has no trace, hence the second build with traces', () => {
    const before = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
    let thrown: unknown;
    try {
      withoutStackTraces(() => {
        throw new Error('a construct failed');
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).stack).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')).toEqual(before);
  });
});
