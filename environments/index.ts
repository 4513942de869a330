import { dev } from './dev';
import { example } from './example';
import type { EnvironmentSource } from '../modules/environment/load-environment';
import { prod } from './prod';

export * from '../modules/environment/load-environment';
export * from './organization';
export * from '../modules/environment/environment-schema';

/** Every environment the app synthesizes. Add a file beside this one and list it here. */
export const environmentSources: readonly EnvironmentSource[] = [
  { file: 'environments/example.ts', input: example },
  { file: 'environments/dev.ts', input: dev },
  { file: 'environments/prod.ts', input: prod },
];
