import { createHash } from 'node:crypto';
import type { PolicyDocument } from '../../modules/core/policy-document';
import type { PolicyUnderCheck } from '../../modules/core/policy-lint';
import { POLICY_ATTRIBUTES } from '../../modules/core/resource-types';
import { REVIEW_METADATA_KEY } from '../../modules/core/review-metadata';
import { StackReadError } from '../errors';
import { type SynthesizedStack, readPolicy } from '../stacks/synthesized-stack';

/**
 * Reading policies back from a synthesized `cdk.tf.json` for evaluation. Terraform resolves
 * references such as `${aws_kms_key.<id>.arn}` at apply time; here each becomes a fake but
 * well-formed value (an ARN in the right account and region, the name the configuration gives),
 * so the evaluator judges exactly the policy Terraform gets, with stand-ins for what only AWS knows.
 */

/** A Terraform reference inside a string: `${type.name.attribute}` (not `$${...}`, which is escaped text). */
const REFERENCE = /(?<!\$)\$\{([a-z][a-z0-9_]*)\.([\w-]+)\.([a-z_]+)\}/g;

/** 32 hex digits derived from a resource id, so fake ids are stable between runs. */
function hexOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function uuidOf(text: string): string {
  const h = hexOf(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The region a resource is managed in: its provider's, or the default provider's. */
export function regionOf(stack: SynthesizedStack, type: string, name: string): string {
  const resource = stack.json.resource?.[type]?.[name];
  if (!resource) throw new StackReadError(`no ${type}.${name} in stack ${stack.name}`);
  const providers = stack.json.provider.aws as { alias?: string; region: string }[];
  const alias = typeof resource.provider === 'string' ? resource.provider.replace(/^aws\./, '') : undefined;
  const provider = providers.find((p) => p.alias === alias) ?? providers.find((p) => p.alias === undefined)!;
  return provider.region;
}

/** The account of a stack: the default provider's account guard, else the account the constructs name. */
export function accountOf(stack: SynthesizedStack): string {
  const providers = (stack.json.provider?.aws ?? []) as { alias?: string; allowed_account_ids?: string[] }[];
  const guarded = providers.find((p) => !p.alias)?.allowed_account_ids?.[0];
  const described = Object.values(stack.json.resource ?? {})
    .flatMap((byName) => Object.values(byName as Record<string, { '//'?: Record<string, { accountId?: string }> }>))
    .map((r) => r['//']?.[REVIEW_METADATA_KEY]?.accountId)
    .find((a) => typeof a === 'string');
  const account = guarded ?? described;
  if (!account)
    throw new StackReadError(`stack ${stack.name}: give the default provider allowedAccountIds to resolve ARNs`);
  return account;
}

type Fake = (args: {
  stack: SynthesizedStack;
  name: string;
  region: string;
  account: string;
  attrs: Record<string, unknown>;
}) => string;

/** The fake value of each attribute a policy here may reference: resource type -> attribute -> value. */
const FAKE_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, Fake>>>> = {
  aws_kms_key: {
    arn: ({ name, region, account }) => `arn:aws:kms:${region}:${account}:key/${uuidOf(name)}`,
    key_id: ({ name }) => uuidOf(name),
  },
  aws_s3_bucket: {
    bucket: ({ name, attrs }) => String(attrs.bucket ?? `bucket-${hexOf(name).slice(0, 12)}`),
    id: ({ name, attrs }) => String(attrs.bucket ?? `bucket-${hexOf(name).slice(0, 12)}`),
    arn: ({ name, attrs }) => `arn:aws:s3:::${String(attrs.bucket ?? `bucket-${hexOf(name).slice(0, 12)}`)}`,
  },
  aws_cloudwatch_log_group: {
    name: ({ attrs }) => String(attrs.name),
    arn: ({ region, account, attrs }) => `arn:aws:logs:${region}:${account}:log-group:${String(attrs.name)}`,
  },
  aws_iam_role: {
    arn: ({ account, attrs }) => `arn:aws:iam::${account}:role/${String(attrs.name)}`,
    name: ({ attrs }) => String(attrs.name),
    unique_id: ({ name }) => `AROA${hexOf(name).slice(0, 17).toUpperCase()}`,
  },
  aws_iam_openid_connect_provider: {
    arn: ({ account, attrs }) =>
      `arn:aws:iam::${account}:oidc-provider/${String(attrs.url).replace(/^https:\/\//, '')}`,
  },
  aws_sqs_queue: {
    arn: ({ region, account, attrs, name }) => `arn:aws:sqs:${region}:${account}:${String(attrs.name ?? name)}`,
  },
  aws_lambda_function: {
    arn: ({ region, account, attrs }) => `arn:aws:lambda:${region}:${account}:function:${String(attrs.function_name)}`,
  },
  aws_cloudwatch_event_rule: {
    arn: ({ region, account, attrs, name }) => `arn:aws:events:${region}:${account}:rule/${String(attrs.name ?? name)}`,
  },
  aws_ssoadmin_permission_set: {
    arn: ({ name }) => `arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-${hexOf(name).slice(0, 16)}`,
  },
};

/** Replaces every Terraform reference in `text` with its fake value; an unknown one fails loudly. */
export function resolveReferences(stack: SynthesizedStack, text: string): string {
  return text.replace(REFERENCE, (whole, type: string, name: string, attribute: string) => {
    const fake = FAKE_ATTRIBUTES[type]?.[attribute];
    if (!fake) {
      throw new StackReadError(
        `cli/access/policies.ts cannot resolve ${whole} in stack ${stack.name}: add ${type}.${attribute} to FAKE_ATTRIBUTES`,
      );
    }
    const attrs = (stack.json.resource?.[type]?.[name] ?? {}) as Record<string, unknown>;
    return fake({ stack, name, region: regionOf(stack, type, name), account: accountOf(stack), attrs });
  });
}

/** Reads a rendered policy: references resolved to fake values first, then Terraform's escaping undone. */
export function readResolvedPolicy(stack: SynthesizedStack, rendered: string): PolicyDocument {
  return readPolicy(resolveReferences(stack, rendered));
}

/** The policy attribute of the one resource of `type` whose construct path ends with `pathSuffix`. */
export function policyAt(stack: SynthesizedStack, type: string, pathSuffix: string): PolicyDocument {
  const source = POLICY_ATTRIBUTES[type]?.[0];
  if (!source) throw new StackReadError(`no policy attribute known for ${type}`);
  const matches = Object.values(stack.json.resource?.[type] ?? {}).filter((r) =>
    String((r as { '//'?: { metadata?: { path?: string } } })['//']?.metadata?.path ?? '').endsWith(pathSuffix),
  ) as Record<string, string>[];
  if (matches.length !== 1)
    throw new StackReadError(`expected one ${type} at */${pathSuffix}, found ${matches.length}`);
  return readResolvedPolicy(stack, matches[0][source.attribute]);
}

/** Every policy in a synthesized stack, as the synth-time checks see them (references resolved). */
export function synthesizedPolicies(stack: SynthesizedStack): PolicyUnderCheck[] {
  const found: PolicyUnderCheck[] = [];
  for (const [type, sources] of Object.entries(POLICY_ATTRIBUTES)) {
    for (const [name, resource] of Object.entries(stack.json.resource?.[type] ?? {})) {
      for (const source of sources) {
        const attrs = resource as Record<string, unknown>;
        const value = attrs[source.attribute];
        if (typeof value !== 'string') continue;
        found.push({
          where: `${type}.${name}`,
          attribute: source.attribute,
          kind: source.kind,
          document: readResolvedPolicy(stack, value),
          ...(source.quota ? { quota: source.quota } : {}),
          ...(source.groupBy ? { quotaGroup: `${type}:${String(attrs[source.groupBy])}` } : {}),
        });
      }
    }
  }
  return found;
}
