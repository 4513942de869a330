import type { PolicyDocument, PolicyStatement } from '../core/policy-document';
import { unescapeTerraformTemplate } from '../core/policy-document';
import type { TerraformJson } from './rule';

/**
 * Reading the synthesized Terraform JSON of a stack, for the rules. Internal to the rules: not
 * part of the package's API.
 */

// Terraform JSON is untyped by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Resource = Record<string, any>;

/** The resources of one type, as `[logical id, arguments]`. */
export function resources(json: TerraformJson, type: string): [string, Resource][] {
  return Object.entries(json.resource?.[type] ?? {}) as [string, Resource][];
}

/** A value that Terraform takes as one item or a list, as a list. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The region a resource is managed in: its provider's region (the default provider's when none is named). */
export function regionOf(json: TerraformJson, resource: Resource): string | undefined {
  const providers = asList(json.provider?.aws) as { alias?: string; region?: string }[];
  const alias = typeof resource.provider === 'string' ? resource.provider.replace(/^aws\.?/, '') : '';
  return providers.find((p) => (p.alias ?? '') === alias)?.region;
}

/**
 * The account the stack deploys to, as a regular expression source: the default provider's
 * `allowed_account_ids` guard when it has one (this library's stacks always do), else any account.
 */
export function accountPattern(json: TerraformJson): string {
  const providers = asList(json.provider?.aws) as { alias?: string; allowed_account_ids?: string[] }[];
  const guarded = providers.find((p) => !p.alias)?.allowed_account_ids;
  return guarded?.length === 1 ? guarded[0] : '\\d{12}';
}

/** Whether a `bucket` argument names this bucket: by reference to the resource, or by its name. */
export function namesBucket(value: unknown, id: string, bucket: Resource): boolean {
  return (
    value === `\${aws_s3_bucket.${id}.id}` ||
    value === `\${aws_s3_bucket.${id}.bucket}` ||
    (typeof bucket.bucket === 'string' && value === bucket.bucket)
  );
}

/** The resources of `type` whose `bucket` argument names the bucket. */
export function forBucket(json: TerraformJson, type: string, id: string, bucket: Resource): Resource[] {
  return resources(json, type)
    .filter(([, r]) => namesBucket(r.bucket, id, bucket))
    .map(([, r]) => r);
}

/**
 * A policy argument read back as a document, undoing Terraform's template escaping; undefined
 * when it is not literal JSON (a reference to a data source, or a `jsonencode` call).
 */
export function readPolicyText(text: unknown): PolicyDocument | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const document = JSON.parse(unescapeTerraformTemplate(text));
    return Array.isArray(document?.Statement) || typeof document?.Statement === 'object'
      ? { ...document, Statement: asList(document.Statement) }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The statements of a key, bucket or identity policy argument; none when it cannot be read. */
export function statementsOf(text: unknown): readonly PolicyStatement[] {
  return readPolicyText(text)?.Statement ?? [];
}

/** An identity policy that grants something to a role of the stack. */
export interface RolePolicy {
  /** The address of the resource that holds the policy text. */
  readonly address: string;
  /** The policy; undefined when its text is not literal JSON the rules can read. */
  readonly document: PolicyDocument | undefined;
}

const POLICY_REFERENCE = /^\$\{aws_iam_policy\.([\w-]+)\.arn\}$/;

/**
 * The identity policies roles get in the stack: inline (`aws_iam_role_policy` and a role's
 * `inline_policy` blocks) and the stack's managed policies attached to a role (by
 * `aws_iam_role_policy_attachment` or `managed_policy_arns`), each once. A managed policy that is
 * only a permissions boundary grants nothing and is not among them.
 */
export function rolePolicies(json: TerraformJson): RolePolicy[] {
  const inline = resources(json, 'aws_iam_role_policy').map(([id, p]) => ({
    address: `aws_iam_role_policy.${id}`,
    document: readPolicyText(p.policy),
  }));
  const blocks = resources(json, 'aws_iam_role').flatMap(([id, role]) =>
    asList(role.inline_policy).map((block) => ({
      address: `aws_iam_role.${id}`,
      document: readPolicyText((block as Resource).policy),
    })),
  );
  const attached = new Set(
    [
      ...resources(json, 'aws_iam_role_policy_attachment').map(([, a]) => a.policy_arn),
      ...resources(json, 'aws_iam_role').flatMap(([, r]) => asList(r.managed_policy_arns)),
    ].flatMap((arn) => POLICY_REFERENCE.exec(String(arn))?.[1] ?? []),
  );
  const managed = resources(json, 'aws_iam_policy')
    .filter(([id]) => attached.has(id))
    .map(([id, p]) => ({ address: `aws_iam_policy.${id}`, document: readPolicyText(p.policy) }));
  return [...inline, ...blocks, ...managed];
}

/**
 * The shell-session documents of the stack (`document_type` Session, `sessionType`
 * Standard_Stream) with their `inputs`; a document whose content is not literal JSON has
 * `inputs` undefined.
 */
export function sessionDocuments(json: TerraformJson): { address: string; document: Resource; inputs?: Resource }[] {
  return resources(json, 'aws_ssm_document')
    .filter(([, d]) => d.document_type === 'Session')
    .flatMap(([id, document]) => {
      const address = `aws_ssm_document.${id}`;
      let content: Resource;
      try {
        content = JSON.parse(unescapeTerraformTemplate(String(document.content)));
      } catch {
        return [{ address, document }];
      }
      return content.sessionType === 'Standard_Stream' ? [{ address, document, inputs: content.inputs ?? {} }] : [];
    });
}

/** A bucket of the stack, its address, and the bucket-level resources that name it. */
export interface Bucket {
  readonly address: string;
  readonly bucket: Resource;
  /** The resources of `type` (an `aws_s3_bucket_*` type) that name this bucket. */
  readonly of: (type: string) => Resource[];
  /** Whether the bucket receives another bucket's (or its own) server access logs. */
  readonly isAccessLogTarget: boolean;
  /** Whether the bucket's own access is logged. */
  readonly logsItsAccess: boolean;
}

/** The stack's buckets. */
export function buckets(json: TerraformJson): Bucket[] {
  const logging = resources(json, 'aws_s3_bucket_logging').map(([, l]) => l);
  return resources(json, 'aws_s3_bucket').map(([id, bucket]) => ({
    address: `aws_s3_bucket.${id}`,
    bucket,
    of: (type: string) => forBucket(json, type, id, bucket),
    isAccessLogTarget: logging.some((l) => namesBucket(l.target_bucket, id, bucket)),
    logsItsAccess: logging.some((l) => namesBucket(l.bucket, id, bucket)),
  }));
}
