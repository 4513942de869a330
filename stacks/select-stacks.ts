import type { EnvironmentConfig } from '../modules/environment/load-environment';

/**
 * The stacks a synth writes. `npm run deploy -- <stack>` and `npm run diff -- <stack>` name them in
 * SSM_FEDERATED_ACCESS_STACKS (scripts/cdktf.mjs), because `cdktf deploy <stack>` runs the app
 * command without telling it which stack it wants: without the variable, every stack is written.
 */
export const SELECTED_STACKS_VARIABLE = 'SSM_FEDERATED_ACCESS_STACKS';

/** The names in a comma-separated list, trimmed, empty entries and repeats left out. */
export function parseStackNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = [...new Set(value.split(',').map((name) => name.trim()))].filter((name) => name !== '');
  return names.length > 0 ? names : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Up to `count` of `known`, closest to `name` first (ties in name order). */
export function closestNames(name: string, known: readonly string[], count = 3): string[] {
  return known
    .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : 1))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

/**
 * The configs of the named stacks, in the app's order; every config when `names` is undefined.
 * Throws {@link UnknownStackError} with one line per name that is no environment's.
 */
export function selectStacks(
  configs: readonly EnvironmentConfig[],
  names: readonly string[] | undefined,
): readonly EnvironmentConfig[] {
  if (names === undefined) return configs;
  const known = configs.map((config) => config.name);
  const knownSet = new Set(known);
  const unknown = names.filter((name) => !knownSet.has(name));
  if (unknown.length > 0) {
    throw new UnknownStackError(
      unknown.map(
        (name) =>
          `${SELECTED_STACKS_VARIABLE}: no environment is named "${name}"${known.length > 0 ? `; closest: ${closestNames(name, known).join(', ')}` : ''}. Name a stack the app has, or unset ${SELECTED_STACKS_VARIABLE} to synthesize every stack`,
      ),
    );
  }
  const wanted = new Set(names);
  return configs.filter((config) => wanted.has(config.name));
}

/** A stack name that no environment has. */
export class UnknownStackError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'UnknownStackError';
  }
}
