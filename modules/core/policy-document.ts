/**
 * A typed IAM policy model. Constructs build their policies as data, render them to JSON at synth
 * time, and tests read that JSON back from `cdk.tf.json` and evaluate it with a real IAM evaluator.
 */

/** Condition block: operator -> condition key -> value(s). */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

export type PolicyPrincipal =
  | '*'
  | Readonly<{
      AWS?: string | readonly string[];
      Federated?: string | readonly string[];
      Service?: string | readonly string[];
    }>;

export interface PolicyStatement {
  /** Stable statement id: tests, reports and plan diffs refer to statements by it. */
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PolicyPrincipal;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: PolicyConditions;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The first characters of a CDKTF token as it appears in a string before resolution. */
const TOKEN_START = '${TfToken[';

/**
 * Escapes Terraform's template sequences in a literal string so that Terraform reads it verbatim:
 * IAM policy variables such as `${aws:userid}` become `$${aws:userid}` and `%{` becomes `%%{`.
 * CDKTF tokens (references to other resources) are left alone so they still resolve.
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

/** Renders a policy to the JSON string a Terraform `policy` argument takes (escaped, stable order). */
export function renderPolicy(document: PolicyDocument): string {
  return escapeTerraformTemplate(JSON.stringify(document));
}

/** The size IAM counts against its quotas: the JSON without whitespace. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}
