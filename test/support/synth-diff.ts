/**
 * Compares two syntheses of the same stack (`cdk.tf.json`), made with two toolchains: the same
 * resource addresses, and bodies equal except for the differences a caller lists, each with the
 * reason it is legitimate. Pure functions, so the rules are unit-tested on small documents.
 */

/** A JSON value as parsed from `cdk.tf.json`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A string matches itself; a RegExp matches a string value it tests true on. */
export type ValueMatcher = string | RegExp;

/** One difference that is expected between the two syntheses, and why. */
export interface ExpectedDifference {
  /** JSON path segments from the document root; `*` matches any one key. */
  readonly path: readonly string[];
  /** The value in the first (reference) synthesis. */
  readonly before: ValueMatcher;
  /** The value in the second synthesis. */
  readonly after: ValueMatcher;
  /** Why this difference is legitimate (shown in reports). */
  readonly reason: string;
}

/** One difference between the two documents at a JSON path; `undefined` means absent. */
export interface Difference {
  readonly path: readonly string[];
  readonly before: Json | undefined;
  readonly after: Json | undefined;
}

export interface SynthComparison {
  /** `<type>.<name>` (resources) and `data.<type>.<name>` only in the first synthesis. */
  readonly missingAddresses: readonly string[];
  /** Addresses only in the second synthesis. */
  readonly extraAddresses: readonly string[];
  /** Body differences that match no expected difference (addresses present on both sides only). */
  readonly unexpected: readonly Difference[];
  /** Body differences that match an expected difference, with the entry they matched. */
  readonly expected: readonly { readonly difference: Difference; readonly allowedBy: ExpectedDifference }[];
}

/** Terraform addresses of every resource and data source in a `cdk.tf.json` document. */
export function addressesOf(doc: Json): string[] {
  const addresses: string[] = [];
  for (const [block, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    const byType = field(doc, block);
    for (const type of Object.keys(asObject(byType))) {
      for (const name of Object.keys(asObject(field(byType, type)))) addresses.push(`${prefix}${type}.${name}`);
    }
  }
  return addresses.sort();
}

/** Every leaf-level difference between two JSON values (object key order ignored, arrays by index). */
export function diffJson(before: Json | undefined, after: Json | undefined, path: string[] = []): Difference[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], [...path, key]));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) => diffJson(item, after[index], [...path, String(index)]));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

/** Compares two syntheses of one stack against the list of expected differences. */
export function compareSynth(before: Json, after: Json, expected: readonly ExpectedDifference[]): SynthComparison {
  const beforeAddresses = addressesOf(before);
  const afterAddresses = addressesOf(after);
  const missingAddresses = beforeAddresses.filter((a) => !afterAddresses.includes(a));
  const extraAddresses = afterAddresses.filter((a) => !beforeAddresses.includes(a));
  const unexpected: Difference[] = [];
  const matched: { difference: Difference; allowedBy: ExpectedDifference }[] = [];
  for (const difference of diffJson(before, after)) {
    if (isAddressDifference(difference, [...missingAddresses, ...extraAddresses])) continue;
    const allowedBy = expected.find((e) => matchesExpected(difference, e));
    if (allowedBy) matched.push({ difference, allowedBy });
    else unexpected.push(difference);
  }
  return { missingAddresses, extraAddresses, unexpected, expected: matched };
}

/** A readable report of what fails a comparison; empty when the two syntheses agree. */
export function formatComparison(
  stack: string,
  comparison: SynthComparison,
  labels = ['CDKTF', 'CDK Terrain'],
): string {
  const lines = [
    ...comparison.missingAddresses.map((a) => `${stack}: ${a} is only in the ${labels[0]} synth`),
    ...comparison.extraAddresses.map((a) => `${stack}: ${a} is only in the ${labels[1]} synth`),
    ...comparison.unexpected.map(
      (d) =>
        `${stack}: ${formatPath(d.path)} differs and is not a listed difference\n` +
        `  ${labels[0]}: ${formatValue(d.before)}\n  ${labels[1]}: ${formatValue(d.after)}`,
    ),
  ];
  return lines.join('\n');
}

/** `resource.aws_iam_role.federated_role.name`, with non-identifier keys quoted. */
export function formatPath(path: readonly string[]): string {
  return path.map((p, i) => (/^[\w-]+$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`)).join('');
}

function formatValue(value: Json | undefined): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}... (${text.length} characters)` : text;
}

function matchesExpected(difference: Difference, expected: ExpectedDifference): boolean {
  return (
    difference.path.length === expected.path.length &&
    expected.path.every((segment, i) => segment === '*' || segment === difference.path[i]) &&
    matchesValue(difference.before, expected.before) &&
    matchesValue(difference.after, expected.after)
  );
}

function matchesValue(value: Json | undefined, matcher: ValueMatcher): boolean {
  if (typeof value !== 'string') return false;
  return typeof matcher === 'string' ? value === matcher : matcher.test(value);
}

/** A difference inside a resource that is missing on one side is reported once, as an address. */
function isAddressDifference(difference: Difference, addresses: readonly string[]): boolean {
  const [block, type, name] = difference.path;
  if (block !== 'resource' && block !== 'data') return false;
  const prefix = block === 'data' ? 'data.' : '';
  const inBlock = addresses.filter((a) => (prefix ? a.startsWith(prefix) : !a.startsWith('data.')));
  // A whole type (or block) absent on one side shows up as one difference one or two levels up.
  if (type === undefined) return inBlock.length > 0;
  if (name === undefined) return inBlock.some((a) => a.startsWith(`${prefix}${type}.`));
  return inBlock.includes(`${prefix}${type}.${name}`);
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined): { [key: string]: Json } {
  return isObject(value) ? value : {};
}

function field(value: Json | undefined, key: string): Json | undefined {
  return isObject(value) ? value[key] : undefined;
}
