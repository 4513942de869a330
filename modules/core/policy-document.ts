/**
 * A typed IAM policy model. Constructs build their policies as data, render them to JSON at synth
 * time, and tests read that JSON back from `cdk.tf.json` and evaluate it with a real IAM evaluator.
 */

/**
 * Condition block: operator -> condition key -> value(s), e.g.
 * `{ StringEquals: { 'aws:PrincipalTag/AppId': 'billing' } }`.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

/**
 * The `Principal` of a resource-based or trust policy statement: `"*"` (anyone, narrowed by
 * conditions) or the principals by kind.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
export type PolicyPrincipal =
  | '*'
  | Readonly<{
      /** AWS accounts, roles or users, as ARNs (`arn:aws:iam::123456789012:root`). */
      AWS?: string | readonly string[];
      /** Identity providers, as ARNs (an IAM SAML or OIDC provider). */
      Federated?: string | readonly string[];
      /** AWS service principals, e.g. `ec2.amazonaws.com`. */
      Service?: string | readonly string[];
    }>;

/**
 * One statement of an IAM policy, with the JSON element names IAM uses.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
export interface PolicyStatement {
  /** Stable statement id: tests, reports and plan diffs refer to statements by it. */
  readonly Sid: string;
  /** Whether the statement allows or denies; an explicit Deny wins over any Allow. */
  readonly Effect: 'Allow' | 'Deny';
  /** Who the statement applies to; only in resource-based and trust policies. */
  readonly Principal?: PolicyPrincipal;
  /** The actions, e.g. `ssm:StartSession`; this project always lists them exactly. */
  readonly Action?: string | readonly string[];
  /** Every action except these; the policy lint rejects it, so this project never uses it. */
  readonly NotAction?: string | readonly string[];
  /** Resource ARNs; `"*"` only where the actions support no resource-level permissions. */
  readonly Resource?: string | readonly string[];
  /** When the statement applies. */
  readonly Condition?: PolicyConditions;
}

/**
 * An IAM policy document, as the constructs expose their policies (for example
 * `SessionAccessPolicy.document`). Render it with {@link renderPolicy}.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
export interface PolicyDocument {
  /** The policy language version; under the older `2008-10-17` policy variables are literal text. */
  readonly Version: '2012-10-17';
  /** The statements, in the order they are rendered. */
  readonly Statement: readonly PolicyStatement[];
}

/** A policy document of these statements, with the current policy language version. */
export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The first characters of a CDKTF token as it appears in a string before resolution. */
const TOKEN_START = '${TfToken[';

/**
 * Escapes Terraform's template sequences in a literal string so that Terraform reads it verbatim:
 * IAM policy variables such as `${aws:userid}` become `$${aws:userid}` and `%{` becomes `%%{`.
 * CDKTF tokens (references to other resources) are left alone so they still resolve.
 *
 * Use it for any literal string that goes into a Terraform argument and may contain `${`, such as
 * a policy or a shell profile.
 *
 * @example
 * ```ts
 * escapeTerraformTemplate('arn:aws:s3:::bucket/${aws:userid}/*'); // 'arn:aws:s3:::bucket/$${aws:userid}/*'
 * ```
 * @see https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
export function escapeTerraformTemplate(text: string): string {
  return text
    .replace(/\$\{/g, (match, offset: number) => (text.startsWith(TOKEN_START, offset) ? match : '$${'))
    .replace(/%\{/g, '%%{');
}

/** Undoes exactly `escapeTerraformTemplate`, for reading policies back from synthesized JSON. */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/**
 * Renders a policy to the JSON string a Terraform `policy` argument takes: compact JSON in the
 * document's own key and statement order (so synthesizing twice gives the same bytes), with
 * Terraform template sequences escaped by {@link escapeTerraformTemplate}.
 *
 * @example
 * ```ts
 * new IamRolePolicy(stack, 'extra', { role: federation.role.name, policy: renderPolicy(document) });
 * ```
 */
export function renderPolicy(document: PolicyDocument): string {
  return escapeTerraformTemplate(JSON.stringify(document));
}

/** The size IAM counts against its quotas: the JSON without whitespace. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}

/**
 * Condition blocks combined into one: operators of each block side by side, and the keys of an
 * operator that several blocks use merged (IAM ANDs them). A key given twice under one operator
 * would have one value overwrite the other, so it throws instead.
 *
 * @example
 * ```ts
 * mergeConditions({ StringEquals: { 'SAML:aud': audience } }, runAsTrustConditions(guard, true));
 * ```
 */
export function mergeConditions(...blocks: readonly PolicyConditions[]): PolicyConditions {
  const merged: Record<string, Record<string, string | boolean | readonly string[]>> = {};
  for (const block of blocks) {
    for (const [operator, keys] of Object.entries(block)) {
      const into = (merged[operator] ??= {});
      for (const [key, value] of Object.entries(keys)) {
        if (key in into) throw new Error(`mergeConditions: ${operator} ${key} is given twice`);
        into[key] = value;
      }
    }
  }
  return merged;
}
