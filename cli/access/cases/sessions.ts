import { RUN_AS_GUARD_SIDS } from '../../../modules/core/run-as-guard';
import {
  CONSOLE_READ_ACTIONS,
  OWNERSHIP_TAG,
  SESSION_ACCESS_SIDS as SIDS,
  groupTagName,
} from '../../../modules/session-access-policy/session-access-policy';
import type { Decision } from '../evaluator';
import type { Caller } from '../matrix-case';
import { type CaseRow, type MatrixContext, onInstanceTagged } from '../matrix-context';

/**
 * Sessions: who may open a shell on which instance under the people's session policy. The owner
 * rule (the `AwsUserId` tag the launch tagger writes), the attribute rule (principal tags equal to
 * instance tags, per group), the principal-tag owner rule, managed instances, and the console's
 * reads; in just-in-time mode the access requests instead (caseOf turns the StartSession rows into
 * requests-only rows).
 */

/** A StartSession row of a person on an instance with these tags, under the people's policy. */
export function startOn(
  m: MatrixContext,
  description: string,
  who: Caller,
  resource: string,
  instanceTags: Record<string, string>,
  expected: Decision,
  sid?: string,
): CaseRow {
  return {
    area: 'start session',
    description,
    who,
    action: 'ssm:StartSession',
    resource,
    context: onInstanceTagged(instanceTags),
    policies: m.session,
    expected,
    ...(sid ? { sid } : {}),
  };
}

/** The console's list and read calls, and in just-in-time mode the access requests and their tokens. */
export function consoleAndRequestRows(m: MatrixContext): CaseRow[] {
  const { alice, primary, account, otherAccount, session } = m;
  const request = (description: string, resource: string, expected: Decision, sid?: string): CaseRow => ({
    area: 'request access',
    description,
    who: alice,
    action: resource.includes(':opsitem/') ? 'ssm:GetAccessToken' : 'ssm:StartAccessRequest',
    resource,
    policies: session,
    expected,
    ...(sid ? { sid } : {}),
  });
  const opsItem = (acct: string) => `arn:aws:ssm:${primary}:${acct}:opsitem/oi-0123456789ab`;
  return [
    ...CONSOLE_READ_ACTIONS.map((action): CaseRow => ({
      area: 'console',
      description: 'list and read in the console',
      who: alice,
      action,
      resource: action === 'ssm:GetConnectionStatus' ? m.instance(primary) : '*',
      policies: session,
      expected: 'Allowed',
      sid: SIDS.consoleRead,
    })),
    ...(m.justInTime
      ? [
          request(
            'request access to an instance of the environment',
            m.instance(primary),
            'Allowed',
            SIDS.requestAccess,
          ),
          request(
            'request access to an instance of another account',
            m.instance(primary, otherAccount),
            'ImplicitlyDenied',
          ),
          request('the token of a request in the account', opsItem(account), 'Allowed', SIDS.accessToken),
          request('the token of a request in another account', opsItem(otherAccount), 'ImplicitlyDenied'),
        ]
      : []),
  ];
}

/** The owner rule: `AwsUserId` equal to the caller's aws:userid, in the environment's account and regions only. */
export function ownerRuleRows(m: MatrixContext): CaseRow[] {
  const { alice, primary, otherRegion } = m;
  const { ownerRule } = m.access.model.sessionPolicy;
  const own = { [OWNERSHIP_TAG]: m.userId('alice') };
  return [
    ...m.regions.map((region) =>
      startOn(
        m,
        `own instance in ${region} (${OWNERSHIP_TAG} = her aws:userid)`,
        alice,
        m.instance(region),
        own,
        ownerRule ? 'Allowed' : 'ImplicitlyDenied',
        ownerRule ? SIDS.owner : undefined,
      ),
    ),
    startOn(
      m,
      "someone else's instance",
      alice,
      m.instance(primary),
      { [OWNERSHIP_TAG]: m.userId('bob') },
      'ImplicitlyDenied',
    ),
    startOn(m, 'untagged instance', alice, m.instance(primary), {}, 'ImplicitlyDenied'),
    // The run-as guard: whatever the IdP or Identity Center sends, no session runs as root.
    ...(ownerRule && !m.justInTime
      ? [
          startOn(
            m,
            'own instance with SSMSessionRunAs = Root (the run-as guard)',
            m.person('alice', { SSMSessionRunAs: 'Root' }),
            m.instance(primary),
            own,
            'ExplicitlyDenied',
            RUN_AS_GUARD_SIDS.refusedUsers,
          ),
        ]
      : []),
    startOn(
      m,
      'own tag on an instance of another account',
      alice,
      m.instance(primary, m.otherAccount),
      own,
      'ImplicitlyDenied',
    ),
    startOn(
      m,
      `own tag on an instance in ${otherRegion} (not the environment's)`,
      alice,
      m.instance(otherRegion),
      own,
      'ExplicitlyDenied',
      SIDS.denyOtherRegions,
    ),
  ];
}

/** The attribute (ABAC) rule: in one group, every instance tag equals its principal tag, and none is empty. */
export function attributeRuleRows(m: MatrixContext): CaseRow[] {
  const attributes = m.access.model.sessionPolicy.attributeRule;
  const { alice, primary } = m;
  const on = m.instance(primary);
  const runAs = { SSMSessionRunAs: 'alice' };
  if (!attributes) {
    const tagged = m.person('alice', { ...runAs, AppId: 'app-1' });
    return [startOn(m, 'attribute rule off: AppId equals APP_ID', tagged, on, { APP_ID: 'app-1' }, 'ImplicitlyDenied')];
  }
  const groupRows = (group: number): CaseRow[] => {
    const value = (instanceTag: string) => `${instanceTag.toLowerCase()}-value-${group}`;
    const principalTags = Object.fromEntries(
      attributes.tags.map((p) => [groupTagName(p.principalTag, group), value(p.instanceTag)]),
    );
    const instanceTags = Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, value(p.instanceTag)]));
    const names = attributes.tags.map((p) => groupTagName(p.principalTag, group)).join(', ');
    const last = attributes.tags[attributes.tags.length - 1];
    const tagged = m.person('alice', { ...runAs, ...principalTags });
    return [
      startOn(
        m,
        `attribute group ${group}: ${names} match the instance`,
        tagged,
        on,
        instanceTags,
        'Allowed',
        SIDS.attributes(group),
      ),
      startOn(
        m,
        `attribute group ${group}: ${last.instanceTag} differs`,
        tagged,
        on,
        { ...instanceTags, [last.instanceTag]: 'another-value' },
        'ImplicitlyDenied',
      ),
      startOn(m, `attribute group ${group}: principal tags missing`, alice, on, instanceTags, 'ImplicitlyDenied'),
    ];
  };
  const first = attributes.tags[0];
  const empty = (key: 'principalTag' | 'instanceTag') => Object.fromEntries(attributes.tags.map((p) => [p[key], '']));
  return [
    ...Array.from({ length: attributes.groups }, (_, i) => groupRows(i + 1)).flat(),
    startOn(
      m,
      `attribute group 1: ${first.principalTag} and ${first.instanceTag} both empty`,
      m.person('alice', { ...runAs, ...empty('principalTag') }),
      on,
      empty('instanceTag'),
      'ImplicitlyDenied',
    ),
  ];
}

/** The principal-tag owner rule: an instance tag (e.g. `CreatedBy`) equal to a principal tag. */
export function principalTagOwnerRows(m: MatrixContext): CaseRow[] {
  const creator = m.access.model.sessionPolicy.principalTagOwnerRule;
  const on = m.instance(m.primary);
  if (!creator) {
    const description = 'principal-tag owner rule off: CreatedBy = her SSMSessionRunAs';
    return [startOn(m, description, m.alice, on, { CreatedBy: 'alice' }, 'ImplicitlyDenied')];
  }
  const tagged = (name: string) => ({ [creator.instanceTag]: name });
  const withTag = m.person('alice', { SSMSessionRunAs: 'alice', [creator.principalTag]: 'alice' });
  const { instanceTag, principalTag } = creator;
  return [
    startOn(m, `${instanceTag} = her ${principalTag}`, withTag, on, tagged('alice'), 'Allowed', SIDS.principalTagOwner),
    startOn(m, `${instanceTag} = someone else`, withTag, on, tagged('bob'), 'ImplicitlyDenied'),
    startOn(
      m,
      `${instanceTag} set, ${principalTag} missing`,
      m.person('alice'),
      on,
      tagged('alice'),
      'ImplicitlyDenied',
    ),
  ];
}

/**
 * Managed instances (on-premises and edge nodes registered with Systems Manager): the attribute
 * rule reaches them, the owner rule does not (only EC2 launches are tagged).
 */
export function managedInstanceRows(m: MatrixContext): CaseRow[] {
  const attributes = m.access.model.sessionPolicy.attributeRule;
  const runAs = { SSMSessionRunAs: 'alice' };
  const ownerTagRow = startOn(
    m,
    `managed instance with ${OWNERSHIP_TAG} = her aws:userid (the owner rule is EC2 only)`,
    m.person('alice', runAs),
    m.managedInstance(m.primary),
    { [OWNERSHIP_TAG]: m.userId('alice') },
    'ImplicitlyDenied',
  );
  if (!attributes) return [ownerTagRow];
  const principalTags = Object.fromEntries(attributes.tags.map((p) => [groupTagName(p.principalTag, 1), 'mi-value']));
  const instanceTags = Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, 'mi-value']));
  const tagged = m.person('alice', { ...runAs, ...principalTags });
  const differ = Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, 'another-value']));
  return [
    ...m.regions.map((region) =>
      startOn(
        m,
        `managed instance in ${region}: attribute group 1 matches`,
        tagged,
        m.managedInstance(region),
        instanceTags,
        'Allowed',
        SIDS.attributes(1),
      ),
    ),
    startOn(m, 'managed instance: attributes differ', tagged, m.managedInstance(m.primary), differ, 'ImplicitlyDenied'),
    startOn(
      m,
      'managed instance of another account: attributes match',
      tagged,
      m.managedInstance(m.primary, m.otherAccount),
      instanceTags,
      'ImplicitlyDenied',
    ),
    ownerTagRow,
  ];
}
