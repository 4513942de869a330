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
}

/** One stack per validated environment. Validate first (`loadEnvironments`): this only composes. */
export function buildApp(configs: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.skipValidation ? { skipValidation: true } : {}),
  });
  for (const config of configs) new SsmFederatedAccessStack(app, config);
  return app;
}
