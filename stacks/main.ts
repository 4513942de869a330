import { ConfigError, type EnvironmentSource, environmentSources, loadEnvironments } from '../environments';
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
  let app;
  try {
    // Constructs validate their props too, so building the stacks is inside the guard.
    app = buildApp(
      loadEnvironments(options.sources ?? environmentSources),
      options.outdir ? { outdir: options.outdir } : {},
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    stderr(`Invalid environment configuration, nothing synthesized:\n${error.message}\n`);
    return 1;
  }
  app.synth();
  return 0;
}

if (require.main === module) process.exitCode = main();
