import type { TagMatch } from './cedar';

/**
 * The approval policies of just-in-time node access as Systems Manager document contents (the
 * `Content` of an `AWS::SSM::Document`), as pure data: the construct puts them in a CloudFormation
 * template, tests and the review read them here.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access-approval-policies.html
 * @see https://github.com/aws-samples/cloud-operations-best-practices (static/cfn-templates/just-in-time-node-access)
 */

/** The role Quick Setup creates for the token the service hands out; every approval document names it. */
export const ACCESS_TOKEN_ROLE = 'SSM-JustInTimeAccessTokenRole';
/** The auto-approval policy's fixed name: one per account and region. */
export const AUTO_APPROVAL_POLICY_NAME = 'SSM-JustInTimeAccessAutoApprovalPolicy';
/** The deny-access policy's fixed name: one per organization, in the delegated administrator account. */
export const DENY_ACCESS_POLICY_NAME = 'SSM-JustInTimeAccessDenyAccessOrgPolicy';
/** Auto-approved access lasts one hour; AWS does not let it be changed. */
export const AUTO_APPROVAL_DURATION_SECONDS = 3600;
/** Manual approval windows AWS accepts, in hours. */
export const ACCESS_DURATION_HOURS = { min: 1, max: 336 } as const;
/** Manual approval policies per account and region. */
export const MAX_MANUAL_APPROVAL_POLICIES = 50;
/** Approvers per approval level. */
export const MAX_APPROVERS = 5;
/** How long an approval request waits for its approvers (seven days, as AWS's sample). */
export const APPROVAL_TIMEOUT_SECONDS = 604800;
/** Tag on the automation executions that carry manual approvals; approvers' permissions are scoped by it. */
export const MANAGED_EXECUTION_TAG = 'SystemsManagerJustInTimeNodeAccessManaged';

/** Who may approve: an Identity Center group or user (by id), or an IAM user (by name). */
export interface Approver {
  /** `SSOGroup` or `SSOUser` (Identity Center), or `IAM` (an IAM user). */
  readonly type: 'SSOGroup' | 'SSOUser' | 'IAM';
  /** Identity Center group or user id, or the IAM user name. */
  readonly name: string;
}

/** One manual approval policy. */
export interface ManualApproval {
  /** Document name: 3-128 letters, digits and `_.-`, not starting with `aws`, `amazon`, `amzn` or `SSM-`. */
  readonly name: string;
  /** Nodes the policy applies to: those carrying any of the tags, or every node. */
  readonly targets: readonly TagMatch[] | 'all';
  /** Up to five. */
  readonly approvers: readonly Approver[];
  /** Approvals needed, 1 to the number of approvers. */
  readonly minRequiredApprovals: number;
  /** The window approved access lasts, in hours (1-336). */
  readonly accessDurationHours: number;
}

/** Content of the auto-approval document (type `AutoApprovalPolicy`). */
export function autoApprovalContent(cedar: string, description: string): Record<string, unknown> {
  return {
    schemaVersion: '0.3',
    description,
    accessTokenRole: ACCESS_TOKEN_ROLE,
    accessDuration: AUTO_APPROVAL_DURATION_SECONDS,
    AutoApprovalPolicyDocuments: [{ type: 'Cedar', content: cedar }],
  };
}

/** Content of the deny-access document: the same document type, `forbid` statements only. */
export function denyAccessContent(cedar: string, description: string): Record<string, unknown> {
  return {
    schemaVersion: '0.3',
    description,
    accessTokenRole: ACCESS_TOKEN_ROLE,
    AutoApprovalPolicyDocuments: [{ type: 'Cedar', content: cedar }],
  };
}

/**
 * Systems Manager's "every instance" target. AWS's documents show tag targets only; a policy on all
 * nodes is what the console creates when no tag is given (see docs/guides/just-in-time.md, "What
 * AWS does not confirm").
 */
export const ALL_NODES_TARGET = { Key: 'InstanceIds', Values: ['*'] } as const;

/** Content of one manual approval document (type `ManualApprovalPolicy`). */
export function manualApprovalContent(policy: ManualApproval): Record<string, unknown> {
  const targets =
    policy.targets === 'all'
      ? [ALL_NODES_TARGET]
      : policy.targets.map((t) => ({ Key: `tag:${t.tagKey}`, Values: [...t.values] }));
  return {
    schemaVersion: '0.3',
    description: `Manual approval for ${describeTargets(policy.targets)}`,
    accessTokenRole: ACCESS_TOKEN_ROLE,
    accessDuration: policy.accessDurationHours * 3600,
    targets,
    mainSteps: [
      {
        name: 'ManualApproval',
        action: 'aws:approve',
        timeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
        inputs: {
          Message: `Access request for ${describeTargets(policy.targets)}`,
          MinRequiredApprovals: policy.minRequiredApprovals,
          EnhancedApprovals: {
            Approvers: policy.approvers.map((a) => ({ approver: a.name, type: a.type })),
          },
        },
      },
    ],
  };
}

function describeTargets(targets: ManualApproval['targets']): string {
  if (targets === 'all') return 'every node';
  return targets.map((t) => `${t.tagKey} = ${t.values.join(' | ')}`).join(' or ');
}

/** A problem with the manual approval policies: field path relative to the list, value, rule and fix. */
export interface ManualApprovalProblem {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

const DOCUMENT_NAME = /^[a-zA-Z0-9_.-]{3,128}$/;
const RESERVED_PREFIX = /^(aws|amazon|amzn|ssm-)/i;

/**
 * The rules AWS sets on manual approval policies, plus the overlap rule: when two manual policies
 * apply to one node, AWS refuses every request for it ("when multiple manual approval policies
 * apply to a node, this results in a conflict and users are unable to request access"), so a
 * configuration where that can happen is an error here, not a lock-out at run time.
 *
 * Two policies can apply to one node when
 * - both target every node; or
 * - both have a target on the same tag key with a value in common (a node has one value per key); or
 * - they have targets on different tag keys: one node can carry both tags, and nothing here can
 *   know that none does. Put the policies' targets on one tag key (e.g. `ApprovalTier`), with
 *   different values, instead.
 * A policy on every node and one on a tag do not conflict: AWS prefers the tag-specific policy.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-just-in-time-node-access-approval-policies.html
 */
export function manualApprovalProblems(policies: readonly ManualApproval[]): ManualApprovalProblem[] {
  const problems: ManualApprovalProblem[] = [];
  const problem = (path: string, value: unknown, message: string) => problems.push({ path, value, message });
  if (policies.length > MAX_MANUAL_APPROVAL_POLICIES) {
    problem(
      '',
      policies.length,
      `must hold at most ${MAX_MANUAL_APPROVAL_POLICIES} policies (AWS's quota per account and region). Merge policies`,
    );
  }
  const names = new Set<string>();
  policies.forEach((p, i) => {
    if (!DOCUMENT_NAME.test(p.name) || RESERVED_PREFIX.test(p.name)) {
      problem(
        `${i}.name`,
        p.name,
        'must be an SSM document name: 3-128 letters, digits and _.-, not starting with aws, amazon, amzn or SSM-. Rename the policy',
      );
    }
    if (names.has(p.name))
      problem(`${i}.name`, p.name, 'must be unique among the manual approval policies. Rename one');
    names.add(p.name);
    if (p.approvers.length < 1 || p.approvers.length > MAX_APPROVERS) {
      problem(`${i}.approvers`, p.approvers.length, `must list 1-${MAX_APPROVERS} approvers (AWS's limit per level)`);
    }
    if (
      !Number.isInteger(p.minRequiredApprovals) ||
      p.minRequiredApprovals < 1 ||
      p.minRequiredApprovals > p.approvers.length
    ) {
      problem(
        `${i}.minRequiredApprovals`,
        p.minRequiredApprovals,
        `must be a whole number from 1 to the number of approvers (${p.approvers.length}), or no request could ever be approved`,
      );
    }
    const hours = p.accessDurationHours;
    if (!Number.isInteger(hours) || hours < ACCESS_DURATION_HOURS.min || hours > ACCESS_DURATION_HOURS.max) {
      problem(
        `${i}.accessDurationHours`,
        hours,
        `must be a whole number of hours from ${ACCESS_DURATION_HOURS.min} to ${ACCESS_DURATION_HOURS.max} (AWS's range)`,
      );
    }
    if (p.targets !== 'all' && p.targets.length === 0) {
      problem(`${i}.targets`, p.targets, 'must list at least one tag target, or be "all" for every node');
    }
  });
  for (let i = 0; i < policies.length; i++) {
    for (let j = i + 1; j < policies.length; j++) {
      const reason = overlapOf(policies[i]!, policies[j]!);
      if (reason === undefined) continue;
      problem(
        `${j}.targets`,
        policies[j]!.targets,
        `must not be able to match a node that manualApprovals.${i} ("${policies[i]!.name}") matches: ${reason}, and AWS refuses every request for a node two manual policies apply to. ${OVERLAP_FIX}`,
      );
    }
  }
  return problems;
}

const OVERLAP_FIX =
  'Target one tag key in every manual policy (e.g. ApprovalTier) with values no two policies share, or merge the policies';

function overlapOf(a: ManualApproval, b: ManualApproval): string | undefined {
  if (a.targets === 'all' && b.targets === 'all') return 'both target every node';
  if (a.targets === 'all' || b.targets === 'all') return undefined;
  for (const ta of a.targets) {
    for (const tb of b.targets) {
      if (ta.tagKey !== tb.tagKey) {
        return `they target different tag keys (${ta.tagKey}, ${tb.tagKey}) and one node can carry both`;
      }
      const common = ta.values.filter((v) => tb.values.includes(v));
      if (common.length > 0) return `both target ${ta.tagKey} = ${common.join(' | ')}`;
    }
  }
  return undefined;
}
