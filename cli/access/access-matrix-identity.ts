import { SAML_SIGNIN_AUDIENCE } from '../../modules/saml-federation/saml-federation';
import {
  OWNERSHIP_TAG,
  SESSION_ACCESS_SIDS as SIDS,
  groupTagName,
} from '../../modules/session-access-policy/session-access-policy';
import type { SynthesizedStack } from '../stacks/synthesized-stack';
import {
  type AccessModel,
  type DescribedResource,
  type IdentityAccess,
  launchTaggerName,
  runAsEnabled,
} from './access-model';
import type { Decision } from './evaluator';
import type { Caller, MatrixHelpers } from './matrix-case';
import { readResolvedPolicy } from './policies';

/**
 * Access-matrix cases for the identity side: the SAML role's trust policy (the run-as session tag
 * and source identity), Systems Manager managed instances (`mi-*`), and the launch tagger's owner
 * values, Identity Center included. `accessMatrix` calls each with the helpers it builds for its
 * own cases.
 */

export function readIdentityAccess(
  model: AccessModel,
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
  const identity = model.identity;
  const federatedRole = Object.entries(resources('aws_iam_role')).find(
    ([, r]) => identity.part === 'federated-role' && r.name === identity.roleName,
  );
  return {
    ...(federatedRole ? { federatedTrust: readResolvedPolicy(stack, federatedRole[1].assume_role_policy) } : {}),
    launchTaggerPolicies: taggers,
  };
}

const MANAGED_INSTANCE_ID = 'mi-0123456789abcdef0';

/**
 * Managed instances (on-premises and edge nodes registered with Systems Manager): the attribute
 * rule reaches them, the owner rule does not (only EC2 launches are tagged).
 */
export function managedInstanceCases(m: MatrixHelpers): void {
  const { accountId, regions, attributeRule: attributes } = m.access.model.sessionPolicy;
  const [primary] = regions;
  const managed = (region: string, account = accountId) =>
    `arn:aws:ssm:${region}:${account}:managed-instance/${MANAGED_INSTANCE_ID}`;
  const runAs = { SSMSessionRunAs: 'alice' };
  if (attributes) {
    const principalTags = Object.fromEntries(attributes.tags.map((p) => [groupTagName(p.principalTag, 1), 'mi-value']));
    const instanceTags = Object.fromEntries(attributes.tags.map((p) => [p.instanceTag, 'mi-value']));
    for (const region of regions) {
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

/** Sign-in through the SAML role's trust policy: the run-as session tag and source identity. */
export function signInCases(m: MatrixHelpers): void {
  const { access } = m;
  const identity = access.model.identity;
  if (identity.part !== 'federated-role' || !access.federatedTrust) return;
  const { accountId } = access.model.sessionPolicy;
  const runAs = runAsEnabled(access.model);
  const mode = identity.sourceIdentity;
  const providerArn = `arn:aws:iam::${accountId}:saml-provider/${identity.providerName}`;
  const roleArn = `arn:aws:iam::${accountId}:role/${identity.roleName}`;
  const runAsTag = (value: string) => ({ 'aws:RequestTag/SSMSessionRunAs': value, 'aws:TagKeys': ['SSMSessionRunAs'] });
  const idp = (provider: string, tags: Record<string, string | string[]> = runAs ? runAsTag('alice') : {}): Caller => ({
    label: `SAML provider ${provider.split('/').pop()}`,
    arn: provider,
    context: { 'saml:aud': SAML_SIGNIN_AUDIENCE, ...tags },
  });
  const trust = { identity: [], resource: access.federatedTrust };
  const signIn = (
    description: string,
    caller: Caller,
    action: string,
    context: Record<string, string | string[]>,
    expected: Decision,
  ) =>
    m.add({
      area: 'sign-in',
      description,
      caller,
      action,
      resource: roleArn,
      context,
      expected,
      // Unvalidated runs name no deciding statement of a resource policy.
      ...(expected === 'Allowed' && action !== 'sts:SetSourceIdentity'
        ? { expectedSid: 'resource:AssumeWithSamlFromThisProvider' }
        : {}),
      // The evaluator does not know that AWS checks sts:SetSourceIdentity in the AssumeRoleWithSAML
      // request's context (saml:aud, the request tags); both sides are asserted, so nothing is dropped quietly.
      ...(action === 'sts:SetSourceIdentity' ? { unsafe: true } : {}),
      policies: trust,
    });

  // The run-as tag: required on the sign-in itself, not only on sts:TagSession, or an IdP that sends
  // no tags would sign people in untagged, as the shared default user.
  if (runAs) {
    for (const action of ['sts:AssumeRoleWithSAML', 'sts:TagSession']) {
      signIn(`sign-in with the SSMSessionRunAs session tag (run-as on)`, idp(providerArn), action, {}, 'Allowed');
      signIn(
        'sign-in without the SSMSessionRunAs session tag is refused (run-as on)',
        idp(providerArn, {}),
        action,
        {},
        'ImplicitlyDenied',
      );
      signIn(
        'sign-in with an empty SSMSessionRunAs session tag is refused (run-as on)',
        idp(providerArn, runAsTag('')),
        action,
        {},
        'ImplicitlyDenied',
      );
    }
  }
  // The run-as guard, in either mode: a tag naming root, in any letter case, is refused.
  for (const action of ['sts:AssumeRoleWithSAML', 'sts:TagSession']) {
    signIn(
      'sign-in with SSMSessionRunAs = ROOT is refused (the run-as guard)',
      idp(providerArn, runAsTag('ROOT')),
      action,
      {},
      'ImplicitlyDenied',
    );
  }
  if (!runAs) {
    signIn(
      'sign-in without the SSMSessionRunAs session tag (run-as off)',
      idp(providerArn, {}),
      'sts:AssumeRoleWithSAML',
      {},
      'Allowed',
    );
  }

  const withSourceIdentity = (value: string): Record<string, string> => ({ 'sts:SourceIdentity': value });
  signIn(
    `the IdP sets the person's name as source identity (source identity ${mode})`,
    idp(providerArn),
    'sts:SetSourceIdentity',
    withSourceIdentity('alice@example.com'),
    mode === 'off' ? 'ImplicitlyDenied' : 'Allowed',
  );
  signIn(
    `sign-in without a source identity (source identity ${mode})`,
    idp(providerArn),
    'sts:AssumeRoleWithSAML',
    {},
    mode === 'required' ? 'ImplicitlyDenied' : 'Allowed',
  );
  signIn(
    `another SAML provider sets a source identity (source identity ${mode})`,
    idp(`arn:aws:iam::${accountId}:saml-provider/SomeOtherIdp`),
    'sts:SetSourceIdentity',
    withSourceIdentity('alice@example.com'),
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
  const { access } = m;
  const { accountId, regions, ownerRule } = access.model.sessionPolicy;
  const taggers = access.launchTaggerPolicies ?? [];
  if (!ownerRule || taggers.length === 0) return;
  for (const { region, roleName, policy } of taggers) {
    const tagger: Caller = {
      label: `launch tagger ${roleName}`,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${launchTaggerName(access.model)}`,
      context: {
        'aws:PrincipalArn': `arn:aws:iam::${accountId}:role/${roleName}`,
        'aws:PrincipalAccount': accountId,
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
  if (access.model.identity.part === 'permission-set') {
    const [primary] = regions;
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
