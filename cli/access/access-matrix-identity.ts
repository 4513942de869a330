import type { AccessConfig as EnvironmentConfig } from './access-config';
import type { PolicyDocument } from '../../modules/core/policy-document';
import { SAML_SIGNIN_AUDIENCE } from '../../modules/saml-federation/saml-federation';
import {
  OWNERSHIP_TAG,
  SESSION_ACCESS_SIDS as SIDS,
  groupTagName,
} from '../../modules/session-access-policy/session-access-policy';
import type { AccessCase, Caller, SynthesizedAccess } from './access-matrix';
import type { Decision } from './evaluator';
import { readResolvedPolicy } from './policies';
import type { DescribedResource } from './read-stack';
import type { SynthesizedStack } from '../stacks/synthesized-stack';

/**
 * Access-matrix cases for the identity side: source identity on the SAML role's trust policy,
 * Systems Manager managed instances (`mi-*`), and the launch tagger's owner values, Identity
 * Center included. `accessMatrix` calls each with the helpers it builds for its own cases.
 */

/** What these cases read from a synthesized stack, beside what `readAccess` reads. */
export interface IdentityAccess {
  /** The SAML federated role's trust policy (SAML environments only). */
  readonly federatedTrust?: PolicyDocument;
  /** Each region's launch tagger role and its policy (none where the stack has no tagger). */
  readonly launchTaggerPolicies?: readonly { region: string; roleName: string; policy: PolicyDocument }[];
}

export function readIdentityAccess(
  config: EnvironmentConfig,
  stack: SynthesizedStack,
  taggerRoles: readonly DescribedResource<'launch-tagger-role'>[],
): IdentityAccess {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const resources = (type: string): Record<string, any> => stack.json.resource?.[type] ?? {};
  // A tagger's policy is the inline policy on its role (`role = aws_iam_role.<name>.id`).
  const taggers = taggerRoles.map(({ name, description }) => {
    const policy = Object.values(resources('aws_iam_role_policy')).find((p) =>
      new RegExp(`^\\$\\{aws_iam_role\\.${name}\\.(id|name)\\}$`).test(String(p.role)),
    );
    if (!policy) throw new Error(`${stack.name}: the launch tagger role ${description.roleName} has no inline policy`);
    return {
      region: description.region,
      roleName: description.roleName,
      policy: readResolvedPolicy(stack, policy.policy),
    };
  });
  const federatedRole = Object.entries(resources('aws_iam_role')).find(
    ([, r]) => config.identity.type === 'saml' && r.name === config.identity.roleName,
  );
  return {
    ...(federatedRole ? { federatedTrust: readResolvedPolicy(stack, federatedRole[1].assume_role_policy) } : {}),
    launchTaggerPolicies: taggers,
  };
}

/** The helpers of `accessMatrix` these cases use. */
export interface MatrixHelpers {
  readonly config: EnvironmentConfig;
  readonly access: SynthesizedAccess;
  readonly add: (
    c: Omit<AccessCase, 'simulation' | 'principal'> & {
      caller: Caller;
      context?: Record<string, string | string[]>;
      policies: { identity: PolicyDocument[]; resource?: PolicyDocument };
    },
  ) => void;
  readonly startOn: (
    description: string,
    caller: Caller,
    resource: string,
    instanceTags: Record<string, string>,
    expected: Decision,
    expectedSid?: string,
  ) => void;
  readonly person: (name: string, tags?: Record<string, string>) => Caller;
  /** The aws:userid of a person's session. */
  readonly userId: (name: string) => string;
  readonly instance: (region: string, account?: string) => string;
  readonly otherAccount: string;
}

const MANAGED_INSTANCE_ID = 'mi-0123456789abcdef0';

/**
 * Managed instances (on-premises and edge nodes registered with Systems Manager): the attribute
 * rule reaches them, the owner rule does not (only EC2 launches are tagged).
 */
export function managedInstanceCases(m: MatrixHelpers): void {
  const { config } = m;
  const [primary] = config.regions;
  const managed = (region: string, account = config.accountId) =>
    `arn:aws:ssm:${region}:${account}:managed-instance/${MANAGED_INSTANCE_ID}`;
  const runAs = { SSMSessionRunAs: 'alice' };
  const attributes = config.access.attributeRule;
  if (attributes) {
    const principalTags = Object.fromEntries(attributes.tags.map((p) => [groupTagName(p.principalTag, 1), 'mi-value']));
    const instanceTags = Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, 'mi-value']));
    for (const region of config.regions) {
      m.startOn(
        `managed instance in ${region}: attribute group 1 matches`,
        m.person('alice', { ...runAs, ...principalTags }),
        managed(region),
        instanceTags,
        'Allowed',
        SIDS.attributes(1),
      );
    }
    m.startOn(
      'managed instance: attributes differ',
      m.person('alice', { ...runAs, ...principalTags }),
      managed(primary),
      Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, 'another-value'])),
      'ImplicitlyDenied',
    );
    m.startOn(
      'managed instance of another account: attributes match',
      m.person('alice', { ...runAs, ...principalTags }),
      managed(primary, m.otherAccount),
      instanceTags,
      'ImplicitlyDenied',
    );
  }
  m.startOn(
    `managed instance with ${OWNERSHIP_TAG} = her aws:userid (the owner rule is EC2 only)`,
    m.person('alice', runAs),
    managed(primary),
    { [OWNERSHIP_TAG]: m.userId('alice') },
    'ImplicitlyDenied',
  );
}

/** Source identity on the SAML role's trust policy, as the environment sets it. */
export function sourceIdentityCases(m: MatrixHelpers): void {
  const { config, access } = m;
  if (config.identity.type !== 'saml' || !access.federatedTrust) return;
  const mode = config.identity.sourceIdentity;
  const providerArn = `arn:aws:iam::${config.accountId}:saml-provider/${config.identity.providerName}`;
  const roleArn = `arn:aws:iam::${config.accountId}:role/${config.identity.roleName}`;
  const idp = (provider: string): Caller => ({
    label: `SAML provider ${provider.split('/').pop()}`,
    arn: provider,
    context: {
      'saml:aud': SAML_SIGNIN_AUDIENCE,
      ...(config.runAs.enabled
        ? { 'aws:RequestTag/SSMSessionRunAs': 'alice', 'aws:TagKeys': ['SSMSessionRunAs'] }
        : {}),
    },
  });
  const trust = { identity: [], resource: access.federatedTrust };
  const signIn = (
    description: string,
    caller: Caller,
    action: string,
    sourceIdentity: string | undefined,
    expected: Decision,
  ) =>
    m.add({
      area: 'sign-in',
      description: `${description} (source identity ${mode})`,
      caller,
      action,
      resource: roleArn,
      context: sourceIdentity === undefined ? {} : { 'sts:SourceIdentity': sourceIdentity },
      expected,
      // Unvalidated runs name no deciding statement of a resource policy.
      ...(expected === 'Allowed' && action === 'sts:AssumeRoleWithSAML'
        ? { expectedSid: 'resource:AssumeWithSamlFromThisProvider' }
        : {}),
      // The evaluator does not know that AWS checks sts:SetSourceIdentity in the AssumeRoleWithSAML
      // request's context (saml:aud, the request tags); both sides are asserted, so nothing is dropped quietly.
      ...(action === 'sts:AssumeRoleWithSAML' ? {} : { unsafe: true }),
      policies: trust,
    });
  signIn(
    "the IdP sets the person's name as source identity",
    idp(providerArn),
    'sts:SetSourceIdentity',
    'alice@example.com',
    mode === 'off' ? 'ImplicitlyDenied' : 'Allowed',
  );
  signIn(
    'sign-in without a source identity',
    idp(providerArn),
    'sts:AssumeRoleWithSAML',
    undefined,
    mode === 'required' ? 'ImplicitlyDenied' : 'Allowed',
  );
  signIn(
    'another SAML provider sets a source identity',
    idp(`arn:aws:iam::${config.accountId}:saml-provider/SomeOtherIdp`),
    'sts:SetSourceIdentity',
    'alice@example.com',
    'ImplicitlyDenied',
  );
}

/**
 * The launch tagger's owner values, end to end with the owner rule: what the tagger may write for
 * a person's launch is exactly what lets that person, and nobody else, start a session. For
 * Identity Center the role id is not known at synth time, so the tagger's policy checks the
 * value's shape (a role session's aws:userid) and the permission set session's own id is used.
 */
export function launchTaggerOwnerCases(m: MatrixHelpers): void {
  const { config, access } = m;
  const taggers = access.launchTaggerPolicies ?? [];
  if (!config.access.ownerRule || taggers.length === 0) return;
  for (const { region, roleName, policy } of taggers) {
    const tagger: Caller = {
      label: `launch tagger ${roleName}`,
      arn: `arn:aws:sts::${config.accountId}:assumed-role/${roleName}/${config.name}-launch-tagger`,
      context: {
        'aws:PrincipalArn': `arn:aws:iam::${config.accountId}:role/${roleName}`,
        'aws:PrincipalAccount': config.accountId,
        'aws:RequestedRegion': region,
      },
    };
    // The owner prefix the tagger's policy accepts: the SAML role's id, or any role id (Identity Center).
    const accepted = String(
      (policy.Statement.find((s) => s.Sid === 'TagInstancesWithOwnerOnly')?.Condition?.StringLike ?? {})[
        `aws:RequestTag/${OWNERSHIP_TAG}`
      ] ?? '',
    );
    const roleId = accepted.startsWith('AROA*') ? m.userId('alice').split(':')[0] : accepted.replace(/:\?\*$/, '');
    const write = (description: string, value: string, expected: Decision, resource = m.instance(region)) =>
      m.add({
        area: 'launch tagger',
        description,
        caller: tagger,
        action: 'ec2:CreateTags',
        resource,
        context: { 'aws:TagKeys': [OWNERSHIP_TAG], [`aws:RequestTag/${OWNERSHIP_TAG}`]: value },
        expected,
        ...(expected === 'Allowed' ? { expectedSid: 'TagInstancesWithOwnerOnly' } : {}),
        policies: { identity: [policy] },
      });
    write(`tags alice's launch in ${region} with her aws:userid`, `${roleId}:alice`, 'Allowed');
    write('writes a value that is no session id', 'alice', 'ImplicitlyDenied');
    write('writes an empty session name', `${roleId}:`, 'ImplicitlyDenied');
    write(
      'tags an instance of another account',
      `${roleId}:alice`,
      'ImplicitlyDenied',
      m.instance(region, m.otherAccount),
    );
  }
  if (config.identity.type === 'identity-center') {
    const [primary] = config.regions;
    m.startOn(
      'the instance she launched through the permission set, tagged by the launch tagger',
      m.person('alice', { SSMSessionRunAs: 'alice' }),
      m.instance(primary),
      { [OWNERSHIP_TAG]: m.userId('alice') },
      'Allowed',
      SIDS.owner,
    );
    m.startOn(
      'an instance bob launched through the permission set, tagged by the launch tagger',
      m.person('alice', { SSMSessionRunAs: 'alice' }),
      m.instance(primary),
      { [OWNERSHIP_TAG]: m.userId('bob') },
      'ImplicitlyDenied',
    );
  }
}
