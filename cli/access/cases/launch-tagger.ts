import type { PolicyDocument } from '../../../modules/core/policy-document';
import {
  OWNERSHIP_TAG,
  SESSION_ACCESS_SIDS as SIDS,
} from '../../../modules/session-access-policy/session-access-policy';
import { launchTaggerName } from '../access-model';
import type { Decision } from '../evaluator';
import { type CaseRow, type MatrixContext, roleSession } from '../matrix-context';
import { startOn } from './sessions';

/**
 * The launch tagger's owner values, end to end with the owner rule: what the tagger may write for
 * a person's launch is exactly what lets that person, and nobody else, start a session. For
 * Identity Center the role id is not known at synth time, so the tagger's policy checks the
 * value's shape (a role session's aws:userid) and the permission set session's own id is used.
 */

/** The owner prefix a tagger's policy accepts: the SAML role's id, or any role id (Identity Center). */
function acceptedRoleId(m: MatrixContext, policy: PolicyDocument): string {
  const statement = policy.Statement.find((s) => s.Sid === 'TagInstancesWithOwnerOnly');
  const accepted = String((statement?.Condition?.StringLike ?? {})[`aws:RequestTag/${OWNERSHIP_TAG}`] ?? '');
  return accepted.startsWith('AROA*') ? m.userId('alice').split(':')[0] : accepted.replace(/:\?\*$/, '');
}

export function launchTaggerRows(m: MatrixContext): CaseRow[] {
  const taggers = m.access.launchTaggerPolicies ?? [];
  if (!m.access.model.sessionPolicy.ownerRule || taggers.length === 0) return [];
  const taggerRows = taggers.flatMap(({ region, roleName, policy }) => {
    const who = roleSession({
      label: `launch tagger ${roleName}`,
      account: m.account,
      roleName,
      sessionName: launchTaggerName(m.access.model),
      context: { 'aws:RequestedRegion': region },
    });
    const roleId = acceptedRoleId(m, policy);
    const write = (description: string, value: string, expected: Decision, resource = m.instance(region)): CaseRow => ({
      area: 'launch tagger',
      description,
      who,
      action: 'ec2:CreateTags',
      resource,
      context: { 'aws:TagKeys': [OWNERSHIP_TAG], [`aws:RequestTag/${OWNERSHIP_TAG}`]: value },
      policies: { identity: [policy] },
      expected,
      ...(expected === 'Allowed' ? { sid: 'TagInstancesWithOwnerOnly' } : {}),
    });
    return [
      write(`tags alice's launch in ${region} with her aws:userid`, `${roleId}:alice`, 'Allowed'),
      write('writes a value that is no session id', 'alice', 'ImplicitlyDenied'),
      write('writes an empty session name', `${roleId}:`, 'ImplicitlyDenied'),
      write(
        'tags an instance of another account',
        `${roleId}:alice`,
        'ImplicitlyDenied',
        m.instance(region, m.otherAccount),
      ),
    ];
  });
  if (m.access.model.identity.part !== 'permission-set') return taggerRows;
  const alice = m.person('alice', { SSMSessionRunAs: 'alice' });
  const on = m.instance(m.primary);
  return [
    ...taggerRows,
    startOn(
      m,
      'the instance she launched through the permission set, tagged by the launch tagger',
      alice,
      on,
      { [OWNERSHIP_TAG]: m.userId('alice') },
      'Allowed',
      SIDS.owner,
    ),
    startOn(
      m,
      'an instance bob launched through the permission set, tagged by the launch tagger',
      alice,
      on,
      { [OWNERSHIP_TAG]: m.userId('bob') },
      'ImplicitlyDenied',
    ),
  ];
}
