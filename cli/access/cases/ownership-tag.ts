import { environmentLaunchTaggerName, launchTaggerRoleName } from '../../../modules/core/launch-tagger-names';
import { launchTaggerName } from '../access-model';
import {
  OWNERSHIP_TAG,
  SESSION_ACCESS_SIDS as SIDS,
} from '../../../modules/session-access-policy/session-access-policy';
import type { Decision } from '../evaluator';
import type { Caller } from '../matrix-case';
import { ALLOW_EC2, type CaseRow, type MatrixContext, requestTags } from '../matrix-context';

/**
 * The ownership tag, and every other instance tag that grants sessions: nobody writes, deletes or
 * launches with them, even beside an `ec2:*` Allow; under the organization SCP, nobody but the
 * environment's launch tagger roles.
 */

/** A tag write: the tag keys of the request (none: every tag), and the values it sets. */
interface TagWrite {
  readonly action: 'ec2:CreateTags' | 'ec2:DeleteTags' | 'ec2:RunInstances';
  readonly keys?: readonly string[];
  readonly values?: Record<string, string>;
}

const tagContext = (w: TagWrite) => ({
  ...(w.keys ? { 'aws:TagKeys': [...w.keys] } : {}),
  ...requestTags(w.values ?? {}),
});

/** The people's policy beside a policy that allows every EC2 action. */
export function ownershipTagRows(m: MatrixContext): CaseRow[] {
  const { attributeRule, principalTagOwnerRule } = m.access.model.sessionPolicy;
  const beside = { identity: [m.access.sessionPolicy, ALLOW_EC2] };
  const row = (description: string, write: TagWrite, expected: Decision, sid: string): CaseRow => ({
    area: 'ownership tag',
    description: `${description} (beside an ec2:* Allow)`,
    who: m.alice,
    action: write.action,
    resource: m.instance(m.primary),
    context: tagContext(write),
    policies: beside,
    expected,
    sid,
  });
  const own = m.userId('alice');
  const lower = OWNERSHIP_TAG.toLowerCase();
  const denied = 'ExplicitlyDenied';
  const granting = [
    ...(attributeRule?.tags.map((p) => p.instanceTag) ?? []),
    ...(principalTagOwnerRule ? [principalTagOwnerRule.instanceTag] : []),
  ];
  const create = (key: string, value: string): TagWrite => ({
    action: 'ec2:CreateTags',
    keys: [key],
    values: { [key]: value },
  });
  return [
    row(`create ${OWNERSHIP_TAG}`, create(OWNERSHIP_TAG, own), denied, SIDS.denyTagKeys),
    row(`create ${lower} (other case)`, create(lower, own), denied, SIDS.denyTagKeys),
    row(`delete ${OWNERSHIP_TAG}`, { action: 'ec2:DeleteTags', keys: [OWNERSHIP_TAG] }, denied, SIDS.denyTagKeys),
    row('delete all tags (no tag list)', { action: 'ec2:DeleteTags' }, denied, SIDS.denyDeleteAllTags),
    row(
      `launch with ${OWNERSHIP_TAG}`,
      { action: 'ec2:RunInstances', keys: [OWNERSHIP_TAG], values: { [OWNERSHIP_TAG]: own } },
      denied,
      SIDS.denyRequestTag,
    ),
    ...granting.map((key) => row(`create ${key}, which grants sessions`, create(key, 'x'), denied, SIDS.denyTagKeys)),
    row('create Name', create('Name', 'x'), 'Allowed', 'OtherPolicyAllowsEc2'),
    row('delete Name', { action: 'ec2:DeleteTags', keys: ['Name'] }, 'Allowed', 'OtherPolicyAllowsEc2'),
    row('launch untagged', { action: 'ec2:RunInstances' }, 'Allowed', 'OtherPolicyAllowsEc2'),
  ];
}

/** The organization SCP: the same Deny for every principal of the account but the launch tagger's roles. */
export function scpRows(m: MatrixContext): CaseRow[] {
  const viaScp = { identity: [ALLOW_EC2], scp: m.access.scp };
  const row = (who: Caller, description: string, write: TagWrite, expected: Decision, sid: string): CaseRow => ({
    area: 'scp',
    description: `${description} (under the SCP)`,
    who,
    action: write.action,
    resource: m.instance(m.primary),
    context: tagContext(write),
    policies: viaScp,
    expected,
    sid,
  });
  const writeOwner: TagWrite = {
    action: 'ec2:CreateTags',
    keys: [OWNERSHIP_TAG],
    values: { [OWNERSHIP_TAG]: m.userId('alice') },
  };
  const denied = (sid: string) => ['ExplicitlyDenied', `scp:${sid}`] as const;
  // The roles the stack creates, or the names it would give them where it has no tagger.
  const taggerRoles =
    m.access.launchTaggerRoleNames.length > 0
      ? m.access.launchTaggerRoleNames
      : m.regions.map((region) => launchTaggerRoleName(launchTaggerName(m.access.model), region));
  const launcher = m.access.model.launchTaggers[0]?.launcherRoleNames[0] ?? 'SomeLauncherRole';
  return [
    row(m.alice, `create ${OWNERSHIP_TAG}`, writeOwner, ...denied(SIDS.denyTagKeys)),
    row(
      m.alice,
      `launch with ${OWNERSHIP_TAG}`,
      { ...writeOwner, action: 'ec2:RunInstances' },
      ...denied(SIDS.denyRequestTag),
    ),
    row(m.alice, 'delete all tags', { action: 'ec2:DeleteTags' }, ...denied(SIDS.denyDeleteAllTags)),
    row(m.alice, 'create Name', { action: 'ec2:CreateTags', keys: ['Name'] }, 'Allowed', 'OtherPolicyAllowsEc2'),
    ...taggerRoles.map((role) =>
      row(m.role(role), `launch tagger writes ${OWNERSHIP_TAG}`, writeOwner, 'Allowed', 'OtherPolicyAllowsEc2'),
    ),
    row(m.role(launcher), `a launcher role writes ${OWNERSHIP_TAG}`, writeOwner, ...denied(SIDS.denyTagKeys)),
    row(
      m.role(launchTaggerRoleName(launchTaggerName(m.access.model), 'backdoor')),
      "a role named like the tagger's, which the deploy role could create",
      writeOwner,
      ...denied(SIDS.denyTagKeys),
    ),
    row(
      m.role(launchTaggerRoleName(environmentLaunchTaggerName('other'), m.primary)),
      "another environment's tagger name",
      writeOwner,
      ...denied(SIDS.denyTagKeys),
    ),
  ];
}
