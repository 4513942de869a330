import { isMainThread } from 'node:worker_threads';
import { ConfigError, type EnvironmentSource, environmentSources, loadEnvironments } from '../environments';
import type { EnvironmentConfig } from '../modules/environment/load-environment';
import { parseStackNames, SELECTED_STACKS_VARIABLE, selectStacks, UnknownStackError } from './select-stacks';
import { synthesizeStacks, synthesizeStacksSync } from './synthesize-stacks';

export interface MainOptions {
  readonly sources?: readonly EnvironmentSource[];
  /** @default cdktf.out (or what `cdktf synth` sets) */
  readonly outdir?: string;
  readonly stderr?: (text: string) => void;
  /**
   * The stacks to write; every environment is still validated.
   *
   * @default the names in SSM_FEDERATED_ACCESS_STACKS (comma-separated), else every stack
   */
  readonly stacks?: readonly string[];
  /** Stacks per App. @default 10 */
  readonly batchSize?: number;
  /** Worker threads that synthesize at once (they need the compiled app). @default the CPUs */
  readonly threads?: number;
  /** Heap a worker thread may hold before a fresh one takes over, in MiB. @default 96 */
  readonly workerHeapMiB?: number;
}

/** The validated environments whose stacks are written, or the exit code of a bad configuration. */
function plan(options: MainOptions, stderr: (text: string) => void): readonly EnvironmentConfig[] | number {
  let configs;
  try {
    configs = loadEnvironments(options.sources ?? environmentSources);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(`Invalid environment configuration, nothing synthesized:\n${error.message}\n`);
    return 1;
  }
  try {
    return selectStacks(configs, options.stacks ?? parseStackNames(process.env[SELECTED_STACKS_VARIABLE]));
  } catch (error) {
    if (!(error instanceof UnknownStackError)) throw error;
    stderr(`${error.message}\n`);
    return 1;
  }
}

/**
 * The app entry point on this thread alone. Every environment is validated, and every stack to
 * write is built and checked, before anything is written, so a bad file stops the synth with
 * nothing written. Returns the process exit code.
 */
export function main(options: MainOptions = {}): number {
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const configs = plan(options, stderr);
  if (typeof configs === 'number') return configs;
  return synthesizeStacksSync(configs, { ...options, stderr }) ? 0 : 1;
}

/**
 * The app entry point of the app command (`cdktf.json` runs the compiled form): {@link main}, with
 * the batches of a large app spread over worker threads. The files written are the same.
 */
export async function runApp(options: MainOptions = {}): Promise<number> {
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const configs = plan(options, stderr);
  if (typeof configs === 'number') return configs;
  return (await synthesizeStacks(configs, { ...options, stderr })) ? 0 : 1;
}

// A worker thread loads the app command's bundle as its main module: it synthesizes batches only.
if (require.main === module && isMainThread) {
  void runApp().then((code) => {
    process.exitCode = code;
  });
}
