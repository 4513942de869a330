import { TerraformResource, Tokenization } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ConfigError, type ConfigProblem } from './config-error';
import { type PolicyDocument, type PolicyStatement, unescapeTerraformTemplate } from './policy-document';
import {
  MANAGED_POLICIES_PER_ROLE,
  POLICY_ATTRIBUTES,
  POLICY_QUOTAS,
  type PolicyKind,
  type PolicyQuota,
} from './resource-types';
import { terraformAttributes } from './terraform-attributes';

export { POLICY_QUOTAS, type PolicyKind, type PolicyQuota };

/**
 * Synth-time checks of every policy a stack renders: IAM's size quotas and a lint of the shapes
 * that IAM evaluators get wrong silently. An unknown condition operator, for example, is treated
 * as "no match" by the offline evaluator the tests use (and rejected by IAM only at apply time),
 * which turns a Deny off. Each rule is a small pure function; a failing policy stops the synth
 * with a ConfigError naming the policy.
 */

/** One policy to check. */
export interface PolicyUnderCheck {
  /** Where it is: a construct path, e.g. `prod/federation/role`. */
  readonly where: string;
  /** Which attribute of it, e.g. `assume_role_policy`. */
  readonly attribute: string;
  readonly kind: PolicyKind;
  readonly document: PolicyDocument;
  /** The quota it counts against; omitted where AWS has none worth checking. */
  readonly quota?: PolicyQuota;
  /** Policies with the same group count together against the quota (a role's inline policies). */
  readonly quotaGroup?: string;
}

/**
 * A reference Terraform resolves at apply time counts as this many characters: more than an ARN
 * of a KMS key (about 75), a role or a bucket, so the check errs on the safe side.
 */
export const REFERENCE_SIZE_CHARS = 128;

const REFERENCE = /\$\{TfToken\[[\w:.-]+\]\}|\$\{[a-z][a-z0-9_]*\.[\w-]+(\.[\w-]+)+\}/g;

/** The size IAM counts: the JSON without any whitespace, references at their estimated size. */
export function quotaSize(document: PolicyDocument): number {
  return JSON.stringify(document).replace(REFERENCE, 'x'.repeat(REFERENCE_SIZE_CHARS)).replace(/\s/g, '').length;
}

/** Whether a string is (or contains) a CDKTF token or a Terraform reference, resolved only later. */
export function isReference(value: string): boolean {
  return new RegExp(REFERENCE.source).test(value);
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface PolicyRule {
  /** Short stable id, quoted in messages. */
  readonly id: string;
  /** What the rule asks for and why. */
  readonly description: string;
  /** Problems found, each "<what is wrong>. <fix>"; empty when the policy complies. */
  readonly check: (document: PolicyDocument, kind: PolicyKind) => string[];
}

const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
] as const;

/** Whether IAM knows a condition operator: a base operator, optionally set-qualified and/or IfExists, or Null. */
export function isKnownConditionOperator(operator: string): boolean {
  if (operator === 'Null') return true;
  const unqualified = operator.replace(/^(ForAllValues|ForAnyValue):/, '');
  const base = unqualified.replace(/IfExists$/, '');
  return (BASE_OPERATORS as readonly string[]).includes(base);
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

const label = (statement: PolicyStatement, index: number) =>
  statement.Sid ? `statement "${statement.Sid}"` : `statement ${index + 1}`;

/** ARN shape: arn:partition:service:region:account:resource (region and account may be empty). */
const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-*]*:(\d{12}|\*|aws)?:.+$/;

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'policy-version',
    description:
      'Version is "2012-10-17"; under the older version policy variables such as ${aws:userid} are literal text',
    check: (doc) =>
      doc.Version === '2012-10-17' ? [] : [`Version is ${JSON.stringify(doc.Version)}. Set it to "2012-10-17"`],
  },
  {
    id: 'known-condition-operators',
    description: 'every condition operator is one IAM knows (an evaluator treats an unknown one as "no match")',
    check: (doc) =>
      doc.Statement.flatMap((s, i) =>
        Object.keys(s.Condition ?? {})
          .filter((op) => !isKnownConditionOperator(op))
          .map(
            (op) =>
              `${label(s, i)} uses the condition operator "${op}", which IAM does not know (a Deny with it never applies). Use an operator such as StringEquals, StringLike, ArnNotLike, Bool or Null, optionally with ForAnyValue:/ForAllValues: or IfExists`,
          ),
      ),
  },
  {
    id: 'arn-shaped-resources',
    description: 'every Resource is "*", an ARN, or a Terraform reference that resolves to one',
    check: (doc) =>
      doc.Statement.flatMap((s, i) =>
        [...list(s.Resource), ...list((s as { NotResource?: string | readonly string[] }).NotResource)]
          .filter((r) => r !== '*' && !ARN.test(r) && !isReference(r))
          .map(
            (r) =>
              `${label(s, i)} has the resource "${r}", which is neither "*" nor an ARN (arn:aws:<service>:<region>:<account>:<resource>). Write the full ARN`,
          ),
      ),
  },
  {
    id: 'trust-policy-sts-only',
    description: 'a trust policy grants only sts: actions, to a named principal',
    check: (doc, kind) =>
      kind !== 'trust'
        ? []
        : doc.Statement.flatMap((s, i) => [
            ...list(s.Action)
              .filter((a) => !a.startsWith('sts:'))
              .map(
                (a) =>
                  `${label(s, i)} allows "${a}" in a trust policy, where only sts: actions (AssumeRole*, TagSession, SetSourceIdentity) mean anything. Move it to a permissions policy`,
              ),
            ...(s.NotAction ? [`${label(s, i)} uses NotAction in a trust policy. List the sts: actions instead`] : []),
            ...(s.Principal === undefined ? [`${label(s, i)} names no Principal. Name who may assume the role`] : []),
          ]),
  },
  {
    id: 'unique-sids',
    description: 'every statement has a Sid, and no two share one (tests, reports and plan diffs refer to them)',
    check: (doc, kind) => {
      const problems: string[] = [];
      const seen = new Set<string>();
      doc.Statement.forEach((s, i) => {
        if (!s.Sid) {
          problems.push(`statement ${i + 1} has no Sid. Give it a stable, descriptive Sid`);
          return;
        }
        if (seen.has(s.Sid)) problems.push(`the Sid "${s.Sid}" appears twice. Make each Sid unique`);
        seen.add(s.Sid);
        // IAM identity and trust policies and SCPs take letters and digits only.
        if (kind !== 'resource' && !/^[A-Za-z0-9]+$/.test(s.Sid)) {
          problems.push(`the Sid "${s.Sid}" has characters IAM rejects. Use letters and digits only`);
        }
      });
      return problems;
    },
  },
  {
    id: 'no-wildcard-action',
    description: 'no statement grants or denies the action "*"; list the actions',
    check: (doc) =>
      doc.Statement.flatMap((s, i) =>
        list(s.Action).includes('*') || list(s.NotAction).length > 0
          ? [`${label(s, i)} uses the action "*" or NotAction. List the exact actions`]
          : [],
      ),
  },
  {
    id: 'start-session-document-check',
    description:
      'every Allow of ssm:StartSession carries ssm:SessionDocumentAccessCheck, or a session without --document-name skips the document check',
    check: (doc) =>
      doc.Statement.flatMap((s, i) => {
        const startsSessions = s.Effect === 'Allow' && list(s.Action).some((a) => /^ssm:(StartSession|\*)$/i.test(a));
        const checked = Object.values(s.Condition ?? {}).some((keys) =>
          Object.keys(keys).some((k) => k.toLowerCase() === 'ssm:sessiondocumentaccesscheck'),
        );
        return startsSessions && !checked
          ? [
              `${label(s, i)} allows ssm:StartSession without ssm:SessionDocumentAccessCheck. Add "BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}`,
            ]
          : [];
      }),
  },
];

/** Lint and size problems of one policy (its size alone; see `checkPolicies` for groups). */
export function lintPolicy(policy: PolicyUnderCheck, rules: readonly PolicyRule[] = POLICY_RULES): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const rule of rules) {
    for (const message of rule.check(policy.document, policy.kind)) {
      problems.push({
        file: policy.where,
        path: policy.attribute,
        value: policy.kind,
        message: `breaks the policy rule ${rule.id}: ${message}`,
      });
    }
  }
  return problems;
}

/** Size problems: each policy against its quota, and each quota group (a role's inline policies) in total. */
export function sizeProblems(policies: readonly PolicyUnderCheck[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const groups = new Map<string, PolicyUnderCheck[]>();
  for (const policy of policies) {
    if (!policy.quota) continue;
    if (policy.quotaGroup === undefined) {
      const size = quotaSize(policy.document);
      if (size > policy.quota.maxChars) problems.push(tooLarge(policy, size, policy.quota));
    } else {
      groups.set(policy.quotaGroup, [...(groups.get(policy.quotaGroup) ?? []), policy]);
    }
  }
  for (const members of groups.values()) {
    const size = members.reduce((sum, p) => sum + quotaSize(p.document), 0);
    if (size > members[0].quota!.maxChars) {
      const names = members.map((m) => m.where).join(', ');
      problems.push({
        ...tooLarge(members[0], size, members[0].quota!),
        message: `${tooLarge(members[0], size, members[0].quota!).message}; counted together: ${names}`,
      });
    }
  }
  return problems;
}

/**
 * What makes a policy grow, by the Sid of its statements, and the fix that applies: the statements
 * whose number or size depends on the environment's settings.
 */
const GROWTH: readonly { readonly sid: RegExp; readonly cause: string; readonly fix: string }[] = [
  {
    sid: /^StartSessionByAttributes/,
    cause: 'the attribute groups (one statement per access.attributeRule group, one condition per tag)',
    fix: 'lower access.attributeRule.groups or the tags per group',
  },
  {
    sid: /^(GenerateSessionDataKey|UseSessionKeys)$/,
    cause: 'the session keys (one per region)',
    fix: 'send transcripts to logging.centralBucket, or use fewer regions in one environment',
  },
  {
    sid: /^(TerraformRefresh|Manage)/,
    cause: 'the resource types and names of the stack',
    fix: 'move resources of your own app out of the library construct, or give the CI roles your own policy (ciPermissions)',
  },
];

function tooLarge(policy: PolicyUnderCheck, size: number, quota: PolicyQuota): ConfigProblem {
  const sizes = policy.document.Statement.map((s) => ({ sid: s.Sid ?? '?', size: quotaSize(policyDocumentOf(s)) }));
  const largest = [...sizes].sort((a, b) => b.size - a.size).slice(0, 3);
  const causes = GROWTH.filter((g) => sizes.some((s) => g.sid.test(s.sid)));
  const grows = causes.length > 0 ? ` It grows with ${causes.map((c) => c.cause).join(', and ')}.` : '';
  const fix =
    causes.length > 0
      ? `${causes.map((c) => c.fix).join('; or ')}`
      : 'remove what the environment does not need, or split the environment';
  const n = (value: number) => value.toLocaleString('en-US');
  return {
    file: policy.where,
    path: policy.attribute,
    value: `${n(size)} characters`,
    message: `must be at most ${n(quota.maxChars)} characters without whitespace (${quota.name}), but it has ${n(size)}; its largest statements are ${largest.map((l) => `${l.sid} (${n(l.size)})`).join(', ')}.${grows} To fit, ${fix}`,
  };
}

const policyDocumentOf = (statement: PolicyStatement): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [statement],
});

/** Lints and sizes the policies: every problem found. */
export function policyProblems(policies: readonly PolicyUnderCheck[]): ConfigProblem[] {
  return [...policies.flatMap((p) => lintPolicy(p)), ...sizeProblems(policies)];
}

/** Lints and sizes the policies; throws one ConfigError listing every problem. */
export function checkPolicies(policies: readonly PolicyUnderCheck[]): void {
  const problems = policyProblems(policies);
  if (problems.length > 0) throw new ConfigError(problems);
}

// ---------------------------------------------------------------------------------------------
// Finding the policies of a construct tree

/**
 * Every policy of the resources under `scope`, as it will be written to `cdk.tf.json` (overrides
 * included), parsed back the way Terraform reads it. A policy that is one unresolved reference
 * (built by Terraform itself) cannot be read at synth time and is skipped.
 */
export function policiesInScope(scope: IConstruct): PolicyUnderCheck[] {
  const found: PolicyUnderCheck[] = [];
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const resource = construct as TerraformResource;
    const sources = POLICY_ATTRIBUTES[resource.terraformResourceType];
    if (!sources) continue;
    const attributes = terraformAttributes(resource);
    for (const source of sources) {
      const value = attributes[source.attribute];
      if (typeof value !== 'string' || /^\$\{TfToken\[[\w:.-]+\]\}$/.test(value)) continue;
      let document: PolicyDocument;
      try {
        document = JSON.parse(unescapeTerraformTemplate(value)) as PolicyDocument;
      } catch {
        throw new ConfigError([
          {
            file: resource.node.path,
            path: source.attribute,
            value: value.slice(0, 60),
            message: 'must be a JSON policy document. Render it with renderPolicy()',
          },
        ]);
      }
      const statement = document.Statement as PolicyStatement | readonly PolicyStatement[];
      const normalized = { ...document, Statement: Array.isArray(statement) ? statement : [statement] };
      const group = source.groupBy ? attributes[source.groupBy] : undefined;
      found.push({
        where: resource.node.path,
        attribute: source.attribute,
        kind: source.kind,
        document: normalized as PolicyDocument,
        ...(source.quota ? { quota: source.quota } : {}),
        ...(source.groupBy ? { quotaGroup: `${resource.terraformResourceType}:${String(group)}` } : {}),
      });
    }
  }
  return found;
}

/**
 * Roles under `scope` with more managed policies attached than IAM allows by default
 * ({@link MANAGED_POLICIES_PER_ROLE}): each a problem naming the role and the count.
 */
export function attachmentProblems(scope: IConstruct): ConfigProblem[] {
  // The role a token refers to: its Terraform reference (`aws_iam_role.<id>.name`), else the name.
  const roleOf = (value: unknown) => {
    const token = typeof value === 'string' ? Tokenization.reverseString(value).firstToken : undefined;
    return (token as { identifier?: string } | undefined)?.identifier ?? String(value);
  };
  const byRole = new Map<string, string[]>();
  for (const construct of scope.node.findAll()) {
    if (!TerraformResource.isTerraformResource(construct)) continue;
    const resource = construct as TerraformResource;
    if (resource.terraformResourceType !== 'aws_iam_role_policy_attachment') continue;
    const role = roleOf(terraformAttributes(resource).role);
    byRole.set(role, [...(byRole.get(role) ?? []), resource.node.path]);
  }
  return [...byRole]
    .filter(([, attachments]) => attachments.length > MANAGED_POLICIES_PER_ROLE)
    .map(([role, attachments]) => ({
      file: attachments[0].replace(/\/[^/]+$/, ''),
      path: 'managed policies of the role',
      value: role,
      message: `must be at most ${MANAGED_POLICIES_PER_ROLE} (IAM managed policies per role, default quota), but ${attachments.length} are attached. Combine your own statements into one policy (ciPermissions), or ask AWS for the increase to 20`,
    }));
}
