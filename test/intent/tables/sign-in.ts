import {
  type Caller,
  type IntentEnvironment,
  type IntentRow,
  breakGlassRoleName,
  person,
  roleSession,
  rowsOf,
  samlProvider,
} from '../../support/intent';
import {
  JIT_BOTH,
  JIT_IAM_NO_RUN_AS,
  ONCALL_ROLE_ARN,
  OTHER_ACCOUNT,
  SAML_OWNER,
} from '../../support/intent-environments';

/**
 * Signing in (DESIGN.md "SAML federation", "Run-as and what the IdP sends", "Break-glass and sign-in
 * events"; the identity and just-in-time guides): the federated role trusts only its SAML provider,
 * only for the AWS sign-in audience, and with run-as on only sign-ins that name a non-empty OS user
 * that is not refused (`root`, `ssm-user`, the default refused list), in any letter case, on
 * `sts:AssumeRoleWithSAML` and `sts:TagSession` both. The break-glass role trusts the same provider
 * with the same guard, and the listed IAM principals only with MFA, naming their OS user where
 * run-as is on.
 */
export const SIGN_IN_ENVIRONMENTS = [SAML_OWNER, JIT_BOTH, JIT_IAM_NO_RUN_AS];

const AUDIENCE = 'https://signin.aws.amazon.com/saml';

const samlContext = (runAs: string | null, audience = AUDIENCE) => ({
  'saml:aud': audience,
  ...(runAs === null ? {} : { 'aws:RequestTag/SSMSessionRunAs': runAs, 'aws:TagKeys': ['SSMSessionRunAs'] }),
});

/** SAML sign-ins to a role whose trust is `trust`, from the environment's provider `Okta`. */
function samlRows(env: IntentEnvironment, roleName: string, trust: string): IntentRow[] {
  const row = rowsOf(env, { resource: trust });
  const role = `arn:aws:iam::${env.account}:role/${roleName}`;
  const okta = samlProvider(env, 'Okta');
  const signIn = (
    promise: string,
    who: Caller,
    action: string,
    runAs: string | null,
    expected: IntentRow['expected'],
    audience?: string,
  ) => row(promise, who, action, role, expected, { context: samlContext(runAs, audience) });
  const rows = [
    signIn('a sign-in naming its OS user', okta, 'sts:AssumeRoleWithSAML', 'alice', 'Allowed'),
    signIn('its session tags', okta, 'sts:TagSession', 'alice', 'Allowed'),
    signIn(
      'no run-as tag: the session would run as the shared default',
      okta,
      'sts:AssumeRoleWithSAML',
      null,
      'ImplicitlyDenied',
    ),
    signIn('no run-as tag, on TagSession too', okta, 'sts:TagSession', null, 'ImplicitlyDenied'),
    signIn('an empty run-as tag', okta, 'sts:AssumeRoleWithSAML', '', 'ImplicitlyDenied'),
    signIn('another SAML provider', samlProvider(env, 'Other'), 'sts:AssumeRoleWithSAML', 'alice', 'ImplicitlyDenied'),
    signIn(
      'a provider of another account',
      {
        ...okta,
        label: 'a SAML sign-in from Okta of another account',
        arn: `arn:aws:iam::${OTHER_ACCOUNT}:saml-provider/Okta`,
      },
      'sts:AssumeRoleWithSAML',
      'alice',
      'ImplicitlyDenied',
    ),
    signIn('another audience', okta, 'sts:AssumeRoleWithSAML', 'alice', 'ImplicitlyDenied', 'https://example.com/saml'),
  ];
  // The IdP cannot choose root, ssm-user or a listed administrator account, in any letter case.
  for (const runAs of ['root', 'Root', 'ssm-user', 'ec2-user', 'ubuntu']) {
    rows.push(signIn(`the run-as guard refuses ${runAs}`, okta, 'sts:AssumeRoleWithSAML', runAs, 'ImplicitlyDenied'));
  }
  rows.push(
    signIn('the run-as guard refuses root on TagSession too', okta, 'sts:TagSession', 'ROOT', 'ImplicitlyDenied'),
  );
  return rows;
}

const mfa = (present: boolean, runAs?: string) => ({
  'aws:MultiFactorAuthPresent': present ? 'true' : 'false',
  ...(runAs === undefined ? {} : { 'aws:RequestTag/SSMSessionRunAs': runAs, 'aws:TagKeys': ['SSMSessionRunAs'] }),
});

/** IAM principals assuming the break-glass role (`sts:AssumeRole`). */
function iamRows(env: IntentEnvironment, runAsRequired: boolean): IntentRow[] {
  const roleName = breakGlassRoleName(env.input);
  const row = rowsOf(env, { resource: 'breakGlassTrust' });
  const role = `arn:aws:iam::${env.account}:role/${roleName}`;
  const oncallName = ONCALL_ROLE_ARN.split('/').pop()!;
  const oncall = roleSession(env, oncallName, 'bob');
  const rows = [
    row('the on-call role, with MFA, naming its OS user', oncall, 'sts:AssumeRole', role, 'Allowed', {
      context: mfa(true, 'bob'),
    }),
    row('the on-call role without MFA', oncall, 'sts:AssumeRole', role, 'ImplicitlyDenied', {
      context: mfa(false, 'bob'),
    }),
    row(
      'another role of the account, with MFA',
      roleSession(env, 'Developer', 'mallory'),
      'sts:AssumeRole',
      role,
      'ImplicitlyDenied',
      {
        context: mfa(true, 'mallory'),
      },
    ),
    row(
      'the people’s own role is not trusted',
      person(env, 'alice', { SSMSessionRunAs: 'alice' }),
      'sts:AssumeRole',
      role,
      'ImplicitlyDenied',
      {
        context: mfa(true, 'alice'),
      },
    ),
  ];
  if (runAsRequired) {
    rows.push(
      row('its session tag, with MFA', oncall, 'sts:TagSession', role, 'Allowed', { context: mfa(true, 'bob') }),
      row('run-as on: the caller must name its OS user', oncall, 'sts:AssumeRole', role, 'ImplicitlyDenied', {
        context: mfa(true),
      }),
    );
  } else {
    rows.push(
      row('run-as off: no session tag is needed', oncall, 'sts:AssumeRole', role, 'Allowed', { context: mfa(true) }),
    );
  }
  return rows;
}

/** Every row of the sign-in table. */
export function signInRows(environments: ReadonlyMap<string, IntentEnvironment>): IntentRow[] {
  const saml = environments.get(SAML_OWNER.input.name)!;
  const jit = environments.get(JIT_BOTH.input.name)!;
  const open = environments.get(JIT_IAM_NO_RUN_AS.input.name)!;
  const federatedRole = saml.input.identity.type === 'saml' ? saml.input.identity.roleName : '';
  return [
    ...samlRows(saml, federatedRole, 'federatedTrust'),
    rowsOf(saml, { resource: 'federatedTrust' })(
      'the federated role trusts SAML sign-ins only',
      roleSession(saml, 'Developer', 'mallory'),
      'sts:AssumeRole',
      `arn:aws:iam::${saml.account}:role/${federatedRole}`,
      'ImplicitlyDenied',
      { context: mfa(true, 'mallory') },
    ),
    ...samlRows(jit, breakGlassRoleName(jit.input), 'breakGlassTrust'),
    ...iamRows(jit, true),
    ...iamRows(open, false),
    rowsOf(open, { resource: 'breakGlassTrust' })(
      'Identity Center: no SAML trust',
      samlProvider(open, 'Okta'),
      'sts:AssumeRoleWithSAML',
      `arn:aws:iam::${open.account}:role/${breakGlassRoleName(open.input)}`,
      'ImplicitlyDenied',
      { context: samlContext(null) },
    ),
  ];
}
