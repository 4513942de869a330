import { App } from 'cdktf';
import type { EnvironmentConfig } from '../modules/environment/load-environment';
import { SsmFederatedAccessStack } from './environment-stack';

export interface BuildAppOptions {
  /** Where to write the stacks. @default cdktf.out (or what `cdktf synth` sets) */
  readonly outdir?: string;
  /**
   * Whether `app.synth()` skips validating every construct again, for a caller that has just
   * validated them all (`validationProblems`) and found no problem. The files are the same.
   *
   * @default false: `app.synth()` validates each stack and throws on the first problem
   */
  readonly skipValidation?: boolean;
  /**
   * Whether the caller synthesizes the app as built, adding or changing nothing first. No stack
   * then refers to another, and the synth skips cdktf's search for such references (a pass that
   * resolves every element once more; see `SsmFederatedAccessStack.prepareStack`). The files are
   * the same.
   *
   * @default false: the search runs, as for any cdktf app
   */
  readonly synthesizedAsBuilt?: boolean;
}

/** One stack per validated environment. Validate first (`loadEnvironments`): this only composes. */
export function buildApp(configs: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.skipValidation ? { skipValidation: true } : {}),
  });
  const synthesizedAsBuilt = options.synthesizedAsBuilt ?? false;
  for (const config of configs) new SsmFederatedAccessStack(app, config, { synthesizedAsBuilt });
  return app;
}
