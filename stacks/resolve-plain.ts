import { Token, Tokenization } from 'cdktf';

/**
 * What cdktf's `Tokenization.resolve(value, ...)` returns, with cdktf resolving only the tokens.
 *
 * An element's `toTerraform()` is mostly plain data: of the values in an environment's stack, about
 * one in twenty holds a token, and nearly half are `undefined` (the provider bindings render every
 * argument, set or not). cdktf's resolve allocates a context for every key and value it passes;
 * this walks the plain data itself, as cdktf 0.21 resolves it (the same value back, arrays and
 * objects copied without their `undefined` entries, keys and values in the same order), and hands
 * each value that holds or may hold a token to `resolve` (cdktf's), whole:
 * - a string with a token marker (`TfToken[`), a string that may hold a number token (cdktf's test
 *   for one: a digit, sign or dot, then `e`, then another), or one of cdktf's map token values;
 * - a number that may be a number token (token numbers are encoded below -1e289);
 * - an array holding a string with a token marker or a number that may be a token (a list token);
 * - an object with such a key (a map token), an object with a `resolve` method (a token), a
 *   construct, a Date or anything else cdktf does not walk as data.
 * A value nested deeper than cdktf's limit goes to cdktf too, which reports the cycle.
 *
 * When anything throws, `value` is resolved again by cdktf, whole, so the error is cdktf's own,
 * with its path.
 */
export function resolvePlain(value: unknown, resolve: (value: unknown) => unknown): unknown {
  try {
    return walk(value, resolve, 0);
  } catch {
    return resolve(value);
  }
}

/** Depth at which cdktf reports a cycle (200 keys deep), less a margin. */
const MAX_DEPTH = 100;

/** cdktf's test for a number token inside a string (`[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)`), on its three characters. */
const MAY_HOLD_NUMBER_TOKEN = /[-|\d.+]e[-|\d.eE+]/;

/** The smallest magnitude of an encoded number token (about 2^960 for list tokens, 2^992 for others), with a margin. */
const NUMBER_TOKEN_MAGNITUDE = 1e200;

const isPlainString = (text: string): boolean =>
  !text.includes('TfToken[') &&
  !MAY_HOLD_NUMBER_TOKEN.test(text) &&
  text !== Token.STRING_MAP_TOKEN_VALUE &&
  text !== Token.ANY_MAP_TOKEN_VALUE;

const isPlainNumber = (n: number): boolean =>
  Math.abs(n) < NUMBER_TOKEN_MAGNITUDE && n !== Token.NUMBER_MAP_TOKEN_VALUE;

function walk(value: unknown, resolve: (value: unknown) => unknown, depth: number): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return isPlainString(value) ? value : resolve(value);
  if (typeof value === 'number') return isPlainNumber(value) ? value : resolve(value);
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH || value.some(mayBeListToken)) return resolve(value);
    const resolved: unknown[] = [];
    for (const item of value) {
      const result = walk(item, resolve, depth + 1);
      if (result !== undefined) resolved.push(result);
    }
    return resolved;
  }
  if (!isPlainObject(value) || depth > MAX_DEPTH) return resolve(value);
  const keys = Object.keys(value);
  if (!keys.every(isPlainString)) return resolve(value);
  const resolved: Record<string, unknown> = {};
  for (const key of keys) {
    const result = walk(value[key], resolve, depth + 1);
    if (result !== undefined) resolved[key] = result;
  }
  return resolved;
}

const mayBeListToken = (item: unknown): boolean =>
  (typeof item === 'string' && item.includes('TfToken[')) || (typeof item === 'number' && !isPlainNumber(item));

/** An object cdktf walks key by key: not a token, a construct or a Date. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Tokenization.isResolvable(value) &&
    !('_children' in value) &&
    !(value instanceof Date)
  );
}
