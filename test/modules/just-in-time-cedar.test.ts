import { type EntityJson, isAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import {
  type AutoApprovalRules,
  autoApprovalCedar,
  cedarProblems,
  cedarString,
  denyAccessCedar,
} from '../../modules/just-in-time/cedar';
import { JITNA_CEDAR_SCHEMA } from '../../modules/just-in-time/jitna-schema';

const attributes = {
  tags: [
    { principalTag: 'AppId', instanceTag: 'APP_ID' },
    { principalTag: 'Stage', instanceTag: 'STAGE' },
  ],
  groups: 2,
};
const principalTagOwner = { principalTag: 'UserName', instanceTag: 'CreatedBy' };
const rules: AutoApprovalRules = {
  attributeRule: attributes,
  principalTagOwnerRule: principalTagOwner,
  exceptWhenTagged: { key: 'Restricted', value: 'true' },
};
const deny = [{ tagKey: 'Restricted', values: ['true'] }];

type Decision = 'allow' | 'deny';

/** One request through Cedar's evaluator, with AWS's schema checking the request too. */
function decide(
  policies: string,
  principalTags: Record<string, string>,
  instanceTags: Record<string, string>,
): Decision {
  const entities: EntityJson[] = [
    { uid: { type: 'AWS::IdentityStore::User', id: 'alice' }, attrs: {}, parents: [] },
    {
      uid: { type: 'AWS::EC2::Instance', id: 'i-0123456789abcdef0' },
      attrs: {},
      parents: [],
      tags: instanceTags,
    },
    { uid: { type: 'AWS::IAM::PrincipalTags', id: 'alice' }, attrs: {}, parents: [], tags: principalTags },
  ];
  const answer = isAuthorized({
    principal: { type: 'AWS::IdentityStore::User', id: 'alice' },
    action: { type: 'AWS::SSM::Action', id: 'getTokenForInstanceAccess' },
    resource: { type: 'AWS::EC2::Instance', id: 'i-0123456789abcdef0' },
    context: { iam: { principalTags: { __entity: { type: 'AWS::IAM::PrincipalTags', id: 'alice' } } } },
    schema: JITNA_CEDAR_SCHEMA,
    validateRequest: true,
    policies: { staticPolicies: policies },
    entities,
  });
  if (answer.type === 'failure') throw new Error(answer.errors.map((e) => e.message).join('; '));
  if (answer.response.diagnostics.errors.length > 0) {
    throw new Error(answer.response.diagnostics.errors.map((e) => e.error.message).join('; '));
  }
  return answer.response.decision;
}

describe('auto-approval Cedar', () => {
  const auto = autoApprovalCedar(rules);

  it('validates strictly against the just-in-time schema', () => {
    expect(cedarProblems(auto)).toEqual([]);
    expect(cedarProblems(denyAccessCedar(deny))).toEqual([]);
  });

  it('is one permit per attribute group and one for the principal-tag owner rule, each excluding restricted instances', () => {
    expect(auto.match(/^permit \(/gm)).toHaveLength(3);
    expect(
      auto.match(
        /^unless \{\n {2}resource\.hasTag\("Restricted"\) &&\n {2}resource\.getTag\("Restricted"\) == "true"\n\}/gm,
      ),
    ).toHaveLength(3);
    expect(auto).toContain('action == AWS::SSM::Action::"getTokenForInstanceAccess"');
    expect(auto).toContain('resource.getTag("APP_ID") == context.iam.principalTags.getTag("AppId2")');
  });

  it('is empty when no rule is auto-approved', () => {
    expect(autoApprovalCedar({})).toBe('');
  });

  it('rejects a getTag without its hasTag guard (strict validation)', () => {
    const unguarded = auto.replace(/ {2}resource\.hasTag\("APP_ID"\) &&\n/, '');
    expect(cedarProblems(unguarded).join('\n')).toMatch(/unable to guarantee safety of access to tag `"APP_ID"`/);
  });

  it('rejects an action, entity type or attribute the schema does not know', () => {
    expect(cedarProblems(auto.replace('getTokenForInstanceAccess', 'startSession'))).not.toEqual([]);
    expect(cedarProblems('permit (principal is AWS::IAM::Role, action, resource);')).not.toEqual([]);
    expect(cedarProblems('permit (principal, action, resource) when { principal.department == "x" };')).not.toEqual([]);
    expect(cedarProblems('permit (principal, action, resource) when {')).not.toEqual([]);
  });

  it('escapes quotes and backslashes, and refuses control characters', () => {
    expect(cedarString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(() => cedarString('a\nb')).toThrow(/control character/);
  });
});

describe('authorization matrix through Cedar', () => {
  const auto = autoApprovalCedar(rules);
  const both = `${auto}\n\n${denyAccessCedar(deny)}`;
  const app = { APP_ID: 'billing', STAGE: 'prod' };

  it.each<[string, Record<string, string>, Record<string, string>, Decision]>([
    ['attribute group 1: every tag matches', { AppId: 'billing', Stage: 'prod' }, app, 'allow'],
    ['attribute group 2: every tag matches', { AppId2: 'billing', Stage2: 'prod' }, app, 'allow'],
    ['attribute group 1: one tag differs', { AppId: 'billing', Stage: 'dev' }, app, 'deny'],
    ['attribute group: groups do not mix', { AppId: 'billing', Stage2: 'prod' }, app, 'deny'],
    ['attribute group: principal tag missing', { AppId: 'billing' }, app, 'deny'],
    ['attribute group: instance tag missing', { AppId: 'billing', Stage: 'prod' }, { APP_ID: 'billing' }, 'deny'],
    ['attribute group: both empty never match', { AppId: '', Stage: '' }, { APP_ID: '', STAGE: '' }, 'deny'],
    ['principal-tag owner: CreatedBy is the caller', { UserName: 'alice' }, { CreatedBy: 'alice' }, 'allow'],
    ['principal-tag owner: CreatedBy is someone else', { UserName: 'alice' }, { CreatedBy: 'bob' }, 'deny'],
    ['principal-tag owner: no CreatedBy tag', { UserName: 'alice' }, {}, 'deny'],
    [
      'restricted instance: attributes match but the unless excludes it',
      { AppId: 'billing', Stage: 'prod' },
      { ...app, Restricted: 'true' },
      'deny',
    ],
    [
      'restricted tag with another value does not exclude',
      { AppId: 'billing', Stage: 'prod' },
      { ...app, Restricted: 'false' },
      'allow',
    ],
    ['no tags at all', {}, {}, 'deny'],
  ])('%s', (_case, principalTags, instanceTags, expected) => {
    expect(decide(auto, principalTags, instanceTags)).toBe(expected);
  });

  it('deny-access wins over auto-approval, even without the unless', () => {
    const withoutExclusion = autoApprovalCedar({ attributeRule: attributes, principalTagOwnerRule: principalTagOwner });
    const restricted = { ...app, Restricted: 'true' };
    expect(decide(withoutExclusion, { AppId: 'billing', Stage: 'prod' }, restricted)).toBe('allow');
    expect(
      decide(`${withoutExclusion}\n\n${denyAccessCedar(deny)}`, { AppId: 'billing', Stage: 'prod' }, restricted),
    ).toBe('deny');
    expect(decide(both, { UserName: 'alice' }, { CreatedBy: 'alice', Restricted: 'true' })).toBe('deny');
    // The forbid leaves other instances alone.
    expect(decide(both, { UserName: 'alice' }, { CreatedBy: 'alice' })).toBe('allow');
  });

  it('deny-access matches any of its values', () => {
    const multi = denyAccessCedar([{ tagKey: 'Tier', values: ['db', 'hsm'] }]);
    expect(cedarProblems(multi)).toEqual([]);
    const open = autoApprovalCedar({ principalTagOwnerRule: principalTagOwner });
    expect(decide(`${open}\n\n${multi}`, { UserName: 'a' }, { CreatedBy: 'a', Tier: 'hsm' })).toBe('deny');
    expect(decide(`${open}\n\n${multi}`, { UserName: 'a' }, { CreatedBy: 'a', Tier: 'web' })).toBe('allow');
  });
});
