import { SAML_SIGNIN_AUDIENCE } from '../../../modules/saml-federation/saml-federation';
import { runAsEnabled } from '../access-model';
import type { Decision } from '../evaluator';
import type { Caller } from '../matrix-case';
import { type CaseRow, type MatrixContext, principalOf } from '../matrix-context';

/**
 * Sign-in through the SAML role's trust policy: the run-as session tag (required where run-as is
 * on, never root), and the source identity as the environment sets it. Identity Center sign-in is
 * AWS's own; its stacks have no rows here.
 */

const runAsTag = (value: string) => ({ 'aws:RequestTag/SSMSessionRunAs': value, 'aws:TagKeys': ['SSMSessionRunAs'] });
const withSourceIdentity = (value: string): Record<string, string> => ({ 'sts:SourceIdentity': value });
const SIGN_IN_ACTIONS = ['sts:AssumeRoleWithSAML', 'sts:TagSession'] as const;

export function signInRows(m: MatrixContext): CaseRow[] {
  const { identity } = m.access.model;
  const trust = m.access.federatedTrust;
  if (identity.part !== 'federated-role' || !trust) return [];
  const runAs = runAsEnabled(m.access.model);
  const mode = identity.sourceIdentity;
  const providerArn = `arn:aws:iam::${m.account}:saml-provider/${identity.providerName}`;
  const idp = (
    tags: Record<string, string | string[]> = runAs ? runAsTag('alice') : {},
    provider = providerArn,
  ): Caller =>
    principalOf(`SAML provider ${provider.split('/').pop()}`, provider, { 'saml:aud': SAML_SIGNIN_AUDIENCE, ...tags });
  const row = (
    description: string,
    who: Caller,
    action: string,
    expected: Decision,
    context: Record<string, string | string[]> = {},
  ): CaseRow => ({
    area: 'sign-in',
    description,
    who,
    action,
    resource: `arn:aws:iam::${m.account}:role/${identity.roleName}`,
    context,
    policies: { identity: [], resource: trust },
    expected,
    // Unvalidated runs name no deciding statement of a resource policy.
    ...(expected === 'Allowed' && action !== 'sts:SetSourceIdentity'
      ? { sid: 'resource:AssumeWithSamlFromThisProvider' }
      : {}),
    // The evaluator does not know that AWS checks sts:SetSourceIdentity in the AssumeRoleWithSAML
    // request's context (saml:aud, the request tags); both sides are asserted, so nothing is dropped quietly.
    ...(action === 'sts:SetSourceIdentity' ? { unsafe: true } : {}),
  });
  const refused = 'ImplicitlyDenied';
  return [
    // The run-as tag: required on the sign-in itself, not only on sts:TagSession, or an IdP that sends
    // no tags would sign people in untagged, as the shared default user.
    ...(runAs
      ? SIGN_IN_ACTIONS.flatMap((action) => [
          row('sign-in with the SSMSessionRunAs session tag (run-as on)', idp(), action, 'Allowed'),
          row('sign-in without the SSMSessionRunAs session tag is refused (run-as on)', idp({}), action, refused),
          row(
            'sign-in with an empty SSMSessionRunAs session tag is refused (run-as on)',
            idp(runAsTag('')),
            action,
            refused,
          ),
        ])
      : []),
    // The run-as guard, in either mode: a tag naming root, in any letter case, is refused.
    ...SIGN_IN_ACTIONS.map((action) =>
      row('sign-in with SSMSessionRunAs = ROOT is refused (the run-as guard)', idp(runAsTag('ROOT')), action, refused),
    ),
    ...(runAs
      ? []
      : [
          row(
            'sign-in without the SSMSessionRunAs session tag (run-as off)',
            idp({}),
            'sts:AssumeRoleWithSAML',
            'Allowed',
          ),
        ]),
    row(
      `the IdP sets the person's name as source identity (source identity ${mode})`,
      idp(),
      'sts:SetSourceIdentity',
      mode === 'off' ? refused : 'Allowed',
      withSourceIdentity('alice@example.com'),
    ),
    row(
      `sign-in without a source identity (source identity ${mode})`,
      idp(),
      'sts:AssumeRoleWithSAML',
      mode === 'required' ? refused : 'Allowed',
    ),
    row(
      `another SAML provider sets a source identity (source identity ${mode})`,
      idp(undefined, `arn:aws:iam::${m.account}:saml-provider/SomeOtherIdp`),
      'sts:SetSourceIdentity',
      refused,
      withSourceIdentity('alice@example.com'),
    ),
  ];
}
