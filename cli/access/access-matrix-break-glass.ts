import { BREAK_GLASS_SIDS } from '../../modules/just-in-time/break-glass-role';
import { SESSION_DOCUMENTS } from '../../modules/session-access-policy/session-access-policy';
import type { Decision } from './evaluator';
import type { Caller, MatrixHelpers } from './matrix-case';

const BREAK_GLASS_ROLE_ID = 'AROAEXAMPLEBREAKGLAS';
const INSTANCE_ID = 'i-0123456789abcdef0';

/**
 * The break-glass role: standing shell sessions on every instance of the environment's account
 * and regions, whatever their tags (no owner tag, no principal tags: an IAM principal with MFA
 * carries none), the run-as tag required where run-as is on; nothing in another account or
 * region, no other document, no commands. Every case is alarmed in the regions the model lists.
 */
export function breakGlassCases(m: MatrixHelpers, otherRegion: string): void {
  const breakGlass = m.access.model.breakGlass;
  const policy = m.access.breakGlassPolicy;
  if (!breakGlass || !policy) return;
  const { accountId: account } = m.access.model.sessionPolicy;
  const alarmed = breakGlass.alarmedRegions.length > 0 ? breakGlass.alarmedRegions.join(', ') : 'no region';
  const responder = (tags: Record<string, string>): Caller => ({
    label: `alice (break-glass role ${breakGlass.roleName}, alarmed in ${alarmed})`,
    arn: `arn:aws:sts::${account}:assumed-role/${breakGlass.roleName}/alice`,
    context: {
      'aws:userid': `${BREAK_GLASS_ROLE_ID}:alice`,
      'aws:PrincipalArn': `arn:aws:iam::${account}:role/${breakGlass.roleName}`,
      'aws:PrincipalAccount': account,
      'aws:SecureTransport': 'true',
      ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
    },
  });
  const runAs: Record<string, string> = breakGlass.requireRunAsTag ? { SSMSessionRunAs: 'alice' } : {};
  const emergency = (c: {
    description: string;
    caller?: Caller;
    action?: string;
    resource: string;
    region: string;
    expected: Decision;
    expectedSid?: string;
    unsafe?: boolean;
  }) => {
    const action = c.action ?? 'ssm:StartSession';
    m.add({
      area: 'break glass',
      description: c.description,
      caller: c.caller ?? responder(runAs),
      action,
      resource: c.resource,
      context: {
        'aws:RequestedRegion': c.region,
        ...(action === 'ssm:StartSession' ? { 'ssm:SessionDocumentAccessCheck': 'true' } : {}),
      },
      expected: c.expected,
      ...(c.expectedSid ? { expectedSid: c.expectedSid } : {}),
      ...(c.unsafe ? { unsafe: true } : {}),
      policies: { identity: [policy] },
    });
  };
  const instance = (region: string, acct = account) => `arn:aws:ec2:${region}:${acct}:instance/${INSTANCE_ID}`;
  const allowed = { expected: 'Allowed' as const, expectedSid: BREAK_GLASS_SIDS.shellSessions };
  for (const region of breakGlass.regions) {
    emergency({
      description: `an emergency session on an untagged instance in ${region}, without an approval`,
      resource: instance(region),
      region,
      ...allowed,
    });
  }
  const primary = breakGlass.regions[0]!;
  emergency({
    description: `an emergency session on a managed instance in ${primary}`,
    resource: `arn:aws:ssm:${primary}:${account}:managed-instance/mi-0123456789abcdef0`,
    region: primary,
    ...allowed,
  });
  emergency({
    description: `the ${SESSION_DOCUMENTS.shell} document in ${primary}`,
    resource: `arn:aws:ssm:${primary}:${account}:document/${SESSION_DOCUMENTS.shell}`,
    region: primary,
    ...allowed,
  });
  const refused = { expected: 'ImplicitlyDenied' as const };
  emergency({
    description: 'refused: an instance of another account',
    resource: instance(primary, m.otherAccount),
    region: primary,
    ...refused,
  });
  emergency({
    description: `refused: an instance in ${otherRegion}, outside the environment`,
    resource: instance(otherRegion),
    region: otherRegion,
    ...refused,
  });
  emergency({
    description: `refused: the ${SESSION_DOCUMENTS.ssh} document`,
    resource: `arn:aws:ssm:${primary}::document/${SESSION_DOCUMENTS.ssh}`,
    region: primary,
    unsafe: true,
    ...refused,
  });
  emergency({
    description: 'refused: a command on an instance (ssm:SendCommand)',
    action: 'ssm:SendCommand',
    resource: instance(primary),
    region: primary,
    ...refused,
  });
  if (breakGlass.requireRunAsTag) {
    emergency({
      description: 'refused: a session without the SSMSessionRunAs tag',
      caller: responder({}),
      resource: instance(primary),
      region: primary,
      ...refused,
    });
  }
}
