import { type SchemaJson, schemaToJson, validate } from '@cedar-policy/cedar-wasm/nodejs';
import { type AttributeRule, type TagPair, groupTagName } from '../core/access-rules';
import { JITNA_ACTION, JITNA_CEDAR_SCHEMA } from './jitna-schema';

/**
 * The environment's access rules as Cedar, for just-in-time node access: pure functions from the
 * rules to policy text, and the strict validation of that text against AWS's schema.
 *
 * The IAM rules of the standing mode read `ssm:resourceTag/<instance tag>` and
 * `aws:PrincipalTag/<name>`; here the same comparisons read `resource.getTag(...)` and
 * `context.iam.principalTags.getTag(...)`, each guarded by `hasTag` (strict validation rejects an
 * unguarded `getTag`, and at run time it would be an error, which Cedar treats as "not this policy").
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/auto-approval-deny-access-policy-statement-structure.html
 */

/** An instance tag with one value, e.g. `{ key: 'Restricted', value: 'true' }`. */
export interface TagValue {
  /** Tag key. */
  readonly key: string;
  /** The value it must have. */
  readonly value: string;
}

/** An instance tag with any of a set of values. */
export interface TagMatch {
  /** Tag key. */
  readonly tagKey: string;
  /** At least one. */
  readonly values: readonly string[];
}

/**
 * Which of the environment's rules (`AccessRules`, with the same field names) are approved
 * without a person: the attribute (ABAC) groups and the principal-tag owner rule. The owner rule
 * (`AwsUserId` equals `aws:userid`) has no Cedar form: the request context carries principal tags,
 * not the caller's `aws:userid`.
 */
export interface AutoApprovalRules {
  /** @default - the attribute rule is not auto-approved */
  readonly attributeRule?: AttributeRule;
  /** @default - the principal-tag owner rule is not auto-approved */
  readonly principalTagOwnerRule?: TagPair;
  /**
   * Instances carrying this tag are never auto-approved by these rules (an `unless` on every
   * statement); a manual approval policy or nobody decides for them.
   *
   * @default - no exclusion
   */
  readonly exceptWhenTagged?: TagValue;
}

/** A Cedar string literal. Tag keys and values are validated before they get here; quotes and backslashes are escaped anyway. */
export function cedarString(value: string): string {
  if (/[\u0000-\u001f]/.test(value)) throw new Error(`Cedar string with a control character: ${JSON.stringify(value)}`);
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const PRINCIPAL_TAGS = 'context.iam.principalTags';
const resourceTag = (key: string) => `resource.getTag(${cedarString(key)})`;
const contextTag = (name: string) => `${PRINCIPAL_TAGS}.getTag(${cedarString(name)})`;

/** `instance tag == principal tag`, both present and not empty (as the IAM rule's `?*` requires). */
function tagsEqual(pair: { readonly instanceTag: string; readonly principalTag: string }): string[] {
  return [
    `${PRINCIPAL_TAGS}.hasTag(${cedarString(pair.principalTag)})`,
    `resource.hasTag(${cedarString(pair.instanceTag)})`,
    `${resourceTag(pair.instanceTag)} == ${contextTag(pair.principalTag)}`,
    `${resourceTag(pair.instanceTag)} != ""`,
  ];
}

function statement(effect: 'permit' | 'forbid', comment: string, when: string[], unless?: string[]): string {
  const lines = [
    `// ${comment}`,
    `${effect} (`,
    '  principal,',
    `  action == ${JITNA_ACTION},`,
    '  resource',
    ')',
    `when {\n  ${when.join(' &&\n  ')}\n}`,
  ];
  if (unless && unless.length > 0) lines.push(`unless {\n  ${unless.join(' &&\n  ')}\n}`);
  return `${lines.join('\n')};`;
}

const tagIs = (key: string, value: string) => [
  `resource.hasTag(${cedarString(key)})`,
  `${resourceTag(key)} == ${cedarString(value)}`,
];

/**
 * The auto-approval policy: one `permit` per attribute group and one for the principal-tag owner
 * rule, each with the restricted-instance `unless`. Empty text when no rule is auto-approved
 * (then the environment has no auto-approval document).
 */
export function autoApprovalCedar(rules: AutoApprovalRules): string {
  const unless = rules.exceptWhenTagged ? tagIs(rules.exceptWhenTagged.key, rules.exceptWhenTagged.value) : undefined;
  const statements: string[] = [];
  for (let group = 1; group <= (rules.attributeRule?.groups ?? 0); group++) {
    const pairs = rules.attributeRule!.tags.map((pair) => ({
      instanceTag: pair.instanceTag,
      principalTag: groupTagName(pair.principalTag, group),
    }));
    const names = pairs.map((p) => `${p.instanceTag} = ${p.principalTag}`).join(', ');
    statements.push(statement('permit', `Attribute rule, group ${group}: ${names}`, pairs.flatMap(tagsEqual), unless));
  }
  if (rules.principalTagOwnerRule) {
    const pair = rules.principalTagOwnerRule;
    statements.push(
      statement(
        'permit',
        `Principal-tag owner rule: ${pair.instanceTag} = ${pair.principalTag}`,
        tagsEqual(pair),
        unless,
      ),
    );
  }
  return statements.join('\n\n');
}

/**
 * The deny-access policy: one `forbid` per tag match, so that no auto-approval (of any account of
 * the organization) covers those instances. Manual approval policies still apply to them.
 */
export function denyAccessCedar(denies: readonly TagMatch[]): string {
  return denies
    .map((deny) => {
      const values = deny.values.map((v) => `${resourceTag(deny.tagKey)} == ${cedarString(v)}`);
      const match = values.length === 1 ? values[0]! : `(${values.join(' || ')})`;
      return statement('forbid', `No auto-approval on instances tagged ${deny.tagKey} = ${deny.values.join(' | ')}`, [
        `resource.hasTag(${cedarString(deny.tagKey)})`,
        match,
      ]);
    })
    .join('\n\n');
}

/**
 * Strict validation of a policy set against the just-in-time schema: parse errors and type errors
 * (an unguarded `getTag`, an unknown attribute, a wrong action or entity type) as messages, none
 * when the text is valid.
 */
export function cedarProblems(policies: string): string[] {
  const answer = validate({
    schema: jitnaSchemaJson(),
    policies: { staticPolicies: policies },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') return answer.errors.map((e) => e.message);
  return [
    ...answer.validationErrors.map((e) => `${e.policyId}: ${e.error.message}`),
    // Warnings too: a policy Cedar warns about is one a reviewer should not have to second-guess.
    ...answer.validationWarnings.map((e) => `${e.policyId}: ${e.error.message}`),
  ];
}

let schemaJson: SchemaJson<string> | undefined;

/** AWS's schema in Cedar's JSON form, parsed once per process (validating against JSON skips the text parse). */
function jitnaSchemaJson(): SchemaJson<string> {
  if (schemaJson === undefined) {
    const answer = schemaToJson(JITNA_CEDAR_SCHEMA);
    if (answer.type === 'failure')
      throw new Error(
        `the just-in-time Cedar schema does not parse: ${answer.errors.map((e) => e.message).join('; ')}`,
      );
    schemaJson = answer.json;
  }
  return schemaJson;
}
