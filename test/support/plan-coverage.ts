import type { SynthesizedStack } from './synth';

/**
 * What Terraform's validation and plan of a stack depend on, without the values: for every block of
 * `cdk.tf.json` (each resource, data source, output, provider configuration and the `terraform`
 * block) its kind (`resource:aws_iam_role`, `provider:aws:us-east-1`) and every argument path it
 * sets, with the resource type and attribute each reference in a string points at. Region names used
 * as keys (outputs by region) count as one key. A stack whose every signature another stack also has
 * sets no argument, nested block, reference or provider region that the other's plan does not check.
 */
export function planSignatures(stack: SynthesizedStack): Set<string> {
  const signatures = new Set<string>();
  const add = (kind: string, body: unknown) => signatures.add(`${kind} ${[...argumentPaths(body)].sort().join(' ')}`);
  for (const [block, entries] of Object.entries(stack.json as Record<string, unknown>)) {
    if (block === '//') continue;
    if (block === 'resource' || block === 'data') {
      for (const [type, byName] of Object.entries(entries as Record<string, Record<string, object>>)) {
        for (const body of Object.values(byName)) add(`${block}:${type}`, withoutComment(body));
      }
    } else if (block === 'provider') {
      for (const [name, configs] of Object.entries(entries as Record<string, { region?: string }[]>)) {
        for (const { region, ...config } of configs) add(`provider:${name}:${region ?? ''}`, config);
      }
    } else if (block === 'terraform') {
      add(block, entries);
    } else {
      for (const body of Object.values(entries as Record<string, unknown>)) add(block, body);
    }
  }
  return signatures;
}

/** The signatures of `stack` that none of `others` has. */
export function uncoveredSignatures(stack: SynthesizedStack, others: readonly SynthesizedStack[]): string[] {
  const covered = new Set(others.flatMap((other) => [...planSignatures(other)]));
  return [...planSignatures(stack)].filter((signature) => !covered.has(signature)).sort();
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** `${aws_kms_key.session-logs_key_1A2B.arn}` -> aws_kms_key.arn (escaped `$${...}` is text). */
const REFERENCE = /(?<!\$)\$\{([a-z][a-z0-9_]*)\.[\w-]+\.([a-z_]+)/g;

function withoutComment(body: object): object {
  const { '//': _comment, ...rest } = body as Record<string, unknown>;
  // The provider a resource uses is its region, which the provider signatures cover.
  return 'provider' in rest ? { ...rest, provider: 'aws.<alias>' } : rest;
}

function argumentPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) argumentPaths(item, `${prefix}[]`).forEach((p) => paths.add(p));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = `${prefix}.${REGION.test(key) ? '<region>' : key}`;
      paths.add(path);
      argumentPaths(item, path).forEach((p) => paths.add(p));
    }
  } else if (typeof value === 'string') {
    for (const [, type, attribute] of value.matchAll(REFERENCE)) paths.add(`${prefix}->${type}.${attribute}`);
  }
  return paths;
}
