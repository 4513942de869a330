import { dev } from './dev';
import { example } from './example';
import type { EnvironmentSource } from './load';
import { prod } from './prod';

export * from './load';
export * from './organization';
export * from './schema';

/** Every environment the app synthesizes. Add a file beside this one and list it here. */
export const environmentSources: readonly EnvironmentSource[] = [
  { file: 'environments/example.ts', input: example },
  { file: 'environments/dev.ts', input: dev },
  { file: 'environments/prod.ts', input: prod },
];
