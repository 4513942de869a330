import { BREAK_GLASS_SIDS } from '../../../modules/just-in-time/break-glass-role';
import { SESSION_DOCUMENTS } from '../../../modules/session-access-policy/session-access-policy';
import type { Decision } from '../evaluator';
import type { Caller } from '../matrix-case';
import type { CaseRow, MatrixContext } from '../matrix-context';

/**
 * The break-glass role: standing shell sessions on every instance of the environment's account
 * and regions, whatever their tags (no owner tag, no principal tags: an IAM principal with MFA
 * carries none), the run-as tag required where run-as is on; nothing in another account or
 * region, no other document, no commands. Every row names the regions that alarm on its use.
 */
export function breakGlassRows(m: MatrixContext): CaseRow[] {
  const breakGlass = m.access.model.breakGlass;
  const policy = m.access.breakGlassPolicy;
  if (!breakGlass || !policy) return [];
  const alarmed = breakGlass.alarmedRegions.length > 0 ? breakGlass.alarmedRegions.join(', ') : 'no region';
  const label = `alice (break-glass role ${breakGlass.roleName}, alarmed in ${alarmed})`;
  const responder = (tags: Record<string, string>) => m.breakGlassResponder(breakGlass.roleName, label, tags);
  const runAs: Record<string, string> = breakGlass.requireRunAsTag ? { SSMSessionRunAs: 'alice' } : {};
  const row = (
    description: string,
    resource: string,
    region: string,
    expected: Decision,
    options: { who?: Caller; action?: string; unsafe?: boolean } = {},
  ): CaseRow => {
    const action = options.action ?? 'ssm:StartSession';
    return {
      area: 'break glass',
      description,
      who: options.who ?? responder(runAs),
      action,
      resource,
      context: {
        'aws:RequestedRegion': region,
        ...(action === 'ssm:StartSession' ? { 'ssm:SessionDocumentAccessCheck': 'true' } : {}),
      },
      policies: { identity: [policy] },
      expected,
      ...(expected === 'Allowed' ? { sid: BREAK_GLASS_SIDS.shellSessions } : {}),
      ...(options.unsafe ? { unsafe: true } : {}),
    };
  };
  const primary = breakGlass.regions[0]!;
  const ssm = (resource: string) => `arn:aws:ssm:${primary}:${m.account}:${resource}`;
  const refused = 'ImplicitlyDenied';
  return [
    ...breakGlass.regions.map((region) =>
      row(
        `an emergency session on an untagged instance in ${region}, without an approval`,
        m.instance(region),
        region,
        'Allowed',
      ),
    ),
    row(`an emergency session on a managed instance in ${primary}`, m.managedInstance(primary), primary, 'Allowed'),
    row(
      `the ${SESSION_DOCUMENTS.shell} document in ${primary}`,
      ssm(`document/${SESSION_DOCUMENTS.shell}`),
      primary,
      'Allowed',
    ),
    row('refused: an instance of another account', m.instance(primary, m.otherAccount), primary, refused),
    row(
      `refused: an instance in ${m.otherRegion}, outside the environment`,
      m.instance(m.otherRegion),
      m.otherRegion,
      refused,
    ),
    row(
      `refused: the ${SESSION_DOCUMENTS.ssh} document`,
      `arn:aws:ssm:${primary}::document/${SESSION_DOCUMENTS.ssh}`,
      primary,
      refused,
      { unsafe: true },
    ),
    row('refused: a command on an instance (ssm:SendCommand)', m.instance(primary), primary, refused, {
      action: 'ssm:SendCommand',
    }),
    ...(breakGlass.requireRunAsTag
      ? [
          row('refused: a session without the SSMSessionRunAs tag', m.instance(primary), primary, refused, {
            who: responder({}),
          }),
        ]
      : []),
  ];
}
