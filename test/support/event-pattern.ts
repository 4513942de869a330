/**
 * A small EventBridge event-pattern matcher for tests, covering what this project's rules use:
 * exact values, `exists`, `prefix` and `anything-but` (values or a prefix). It follows
 * EventBridge's rules: every pattern field must match; a list matches when any of its matchers
 * does; an array in the event matches when any element does; fields the pattern does not name
 * are ignored. An operator it does not know throws, so a test can never pass by accident.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type EventPattern = { readonly [key: string]: EventPattern | readonly unknown[] };

export function matchesPattern(event: unknown, pattern: EventPattern): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const value = (event as Record<string, Json>)[key];
    if (Array.isArray(expected)) return matchesList(value, expected);
    return value !== undefined && matchesPattern(value, expected as EventPattern);
  });
}

function matchesList(value: Json | undefined, matchers: readonly unknown[]): boolean {
  return matchers.some((matcher) => {
    if (typeof matcher === 'object' && matcher !== null && 'exists' in matcher) {
      return (matcher as { exists: boolean }).exists === (value !== undefined);
    }
    if (value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => matchesValue(v, matcher));
  });
}

function matchesValue(value: Json, matcher: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') return value === matcher;
  const [operator, ...others] = Object.keys(matcher);
  const argument = (matcher as Record<string, unknown>)[operator];
  if (others.length > 0) throw new Error(`one operator per matcher, got ${JSON.stringify(matcher)}`);
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(argument));
    case 'anything-but':
      if (typeof argument === 'object' && argument !== null && !Array.isArray(argument)) {
        return !matchesValue(value, argument);
      }
      return !(Array.isArray(argument) ? argument : [argument]).some((a) => a === value);
    default:
      throw new Error(`event-pattern operator "${operator}" is not supported by this matcher`);
  }
}
