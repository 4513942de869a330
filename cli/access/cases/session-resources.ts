import {
  SESSION_ACCESS_SIDS as SIDS,
  SESSION_DOCUMENTS,
} from '../../../modules/session-access-policy/session-access-policy';
import type { PolicyDocument } from '../../../modules/core/policy-document';
import type { Decision } from '../evaluator';
import { type CaseRow, type MatrixContext, SESSION_ID } from '../matrix-context';

/**
 * What a session is made of, besides the instance: the session documents an environment turns on,
 * the sessions a person may terminate or resume (her own), and the session key (data keys only).
 */

/** A key of the account that is no session key. */
export const foreignKey = (m: MatrixContext) =>
  `arn:aws:kms:${m.primary}:${m.account}:key/00000000-1111-2222-3333-444444444444`;

/** The shell document in every region; SSH and port forwarding as the environment says; nothing else. */
export function documentRows(m: MatrixContext): CaseRow[] {
  const { sshEnabled: ssh, portForwardingEnabled: pf } = m.access.model.sessionPolicy;
  const document = (region: string, name: string, acct = m.account) => `arn:aws:ssm:${region}:${acct}:document/${name}`;
  // AWS-owned documents have no account in their ARN: `unsafe` rows.
  const row = (description: string, resource: string, expected: Decision, unsafe = false): CaseRow => ({
    area: 'documents',
    description,
    who: m.alice,
    action: 'ssm:StartSession',
    resource,
    context: unsafe ? { 'ssm:SessionDocumentAccessCheck': 'true' } : {},
    policies: m.session,
    expected,
    ...(expected === 'Allowed' ? { sid: SIDS.documents } : {}),
    ...(unsafe ? { unsafe } : {}),
  });
  const onOff = (on: boolean): Decision => (on ? 'Allowed' : 'ImplicitlyDenied');
  return [
    ...m.regions.flatMap((region) => [
      row(`shell document in ${region}`, document(region, SESSION_DOCUMENTS.shell), 'Allowed'),
      row(
        `SSH ${ssh ? 'on' : 'off'} in this environment`,
        document(region, SESSION_DOCUMENTS.ssh, ''),
        onOff(ssh),
        true,
      ),
      ...SESSION_DOCUMENTS.portForwarding.map((name) =>
        row(`port forwarding ${pf ? 'on' : 'off'} in this environment`, document(region, name, ''), onOff(pf), true),
      ),
    ]),
    row('a document never granted', document(m.primary, 'AWS-StartInteractiveCommand', ''), 'ImplicitlyDenied', true),
    row(
      'shell document of another account',
      document(m.primary, SESSION_DOCUMENTS.shell, m.otherAccount),
      'ImplicitlyDenied',
    ),
    row(`shell document in ${m.otherRegion}`, document(m.otherRegion, SESSION_DOCUMENTS.shell), 'ExplicitlyDenied'),
  ];
}

/** Terminate and resume: her own sessions in every region, nobody else's, none in another account. */
export function ownSessionRows(m: MatrixContext): CaseRow[] {
  const sessionArn = (region: string, acct = m.account) => `arn:aws:ssm:${region}:${acct}:session/${SESSION_ID}`;
  const row = (action: string, description: string, resource: string, startedBy: string, expected: Decision) => ({
    area: 'own sessions' as const,
    description,
    who: m.alice,
    action,
    resource,
    context: { 'ssm:resourceTag/aws:ssmmessages:session-id': startedBy },
    policies: m.session,
    expected,
    ...(expected === 'Allowed' ? { sid: SIDS.ownSessions } : {}),
  });
  const [alice, bob] = [m.userId('alice'), m.userId('bob')];
  return ['ssm:TerminateSession', 'ssm:ResumeSession'].flatMap((action) => [
    ...m.regions.map((region) => row(action, `her own session in ${region}`, sessionArn(region), alice, 'Allowed')),
    row(action, "someone else's session", sessionArn(m.primary), bob, 'ImplicitlyDenied'),
    row(action, 'her session id in another account', sessionArn(m.primary, m.otherAccount), alice, 'ImplicitlyDenied'),
  ]);
}

/** The session key: the user side needs GenerateDataKey, with the key policy deciding too; no Decrypt, no other key. */
export function sessionKeyRows(m: MatrixContext): CaseRow[] {
  const row = (
    description: string,
    action: string,
    resource: string,
    expected: Decision,
    keyPolicy?: PolicyDocument,
  ) => ({
    area: 'kms' as const,
    description,
    who: m.alice,
    action,
    resource,
    policies: keyPolicy ? { ...m.session, resource: keyPolicy } : m.session,
    expected,
    ...(expected === 'Allowed' ? { sid: SIDS.kms } : {}),
  });
  return [
    ...m.access.destinations
      .filter((d) => d.kmsKeyArn)
      .flatMap((d) => [
        row(`session key in ${d.region}`, 'kms:GenerateDataKey', d.kmsKeyArn, 'Allowed', d.keyPolicy),
        row(
          `decrypt with the session key in ${d.region} (not needed by users)`,
          'kms:Decrypt',
          d.kmsKeyArn,
          'ImplicitlyDenied',
          d.keyPolicy,
        ),
      ]),
    row('a key that is not a session key', 'kms:GenerateDataKey', foreignKey(m), 'ImplicitlyDenied'),
  ];
}
