import { ConfigError, type EnvironmentSource, environmentSources, loadEnvironments } from '../environments';
import { synthesizeApp } from '../modules/core/validation';
import { buildApp } from './app';

export interface MainOptions {
  readonly sources?: readonly EnvironmentSource[];
  /** @default cdktf.out (or what `cdktf synth` sets) */
  readonly outdir?: string;
  readonly stderr?: (text: string) => void;
}

/**
 * The app entry point (`cdktf.json` runs the compiled form). Every environment is validated and
 * every stack built before anything is written, so a bad file stops the synth with nothing written.
 * Returns the process exit code.
 */
export function main(options: MainOptions = {}): number {
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  let configs;
  try {
    configs = loadEnvironments(options.sources ?? environmentSources);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(`Invalid environment configuration, nothing synthesized:\n${error.message}\n`);
    return 1;
  }
  // The constructs report problems of their own (policy sizes, for one): every stack is validated
  // before any is written.
  const app = buildApp(configs, options.outdir ? { outdir: options.outdir } : {});
  return synthesizeApp(app, { stderr, setExitCode: false }) ? 0 : 1;
}

if (require.main === module) process.exitCode = main();
