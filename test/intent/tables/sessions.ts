import {
  type Caller,
  type IntentEnvironment,
  type IntentRow,
  accountDocumentArn,
  awsDocumentArn,
  instanceArn,
  managedInstanceArn,
  otherKeyArn,
  person,
  rowsOf,
  sessionArn,
  sessionKeyArn,
  sessionLogGroupArn,
  transcriptBucket,
  userIdOf,
} from '../../support/intent';
import { IC_ABAC, OTHER_ACCOUNT, SAML_OWNER } from '../../support/intent-environments';

/**
 * People's sessions under standing access (DESIGN.md "Session access policy", the access rules
 * guide): console reads; `ssm:StartSession` only on instances whose tags match the caller, in the
 * environment's account and regions; only `SSM-SessionManagerRunShell` and the documents the
 * environment turns on, with the document check; never a command; only one's own sessions to end or
 * resume; the session key's data key; the run-as guard.
 */
export const SESSION_ENVIRONMENTS = [SAML_OWNER, IC_ABAC];

const check = { 'ssm:SessionDocumentAccessCheck': 'true' };

/**
 * What every standing environment promises whatever its rules: the preferences document stays out
 * of people's reach, the shell document needs the document check, the session key gives people a
 * data key and nothing else, and transcripts are not theirs to read.
 */
function documentAndKeyRows(env: IntentEnvironment, caller: Caller): IntentRow[] {
  const row = rowsOf(env, { identity: ['session'] });
  const [primary, secondary] = env.regions as [string, string];
  const keyPolicy = (region: string) => rowsOf(env, { identity: ['session'], resource: `keyPolicy:${region}` });
  return [
    row(
      'people cannot change the preferences that log their sessions',
      caller,
      'ssm:UpdateDocument',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell'),
      'ImplicitlyDenied',
    ),
    row(
      'the shell document without the document check',
      caller,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell'),
      'ImplicitlyDenied',
      { context: { 'ssm:SessionDocumentAccessCheck': 'false' } },
    ),
    keyPolicy(primary)(
      'the session key’s data key',
      caller,
      'kms:GenerateDataKey',
      sessionKeyArn(env, primary),
      'Allowed',
    ),
    keyPolicy(secondary)(
      'the session key’s data key, second region',
      caller,
      'kms:GenerateDataKey',
      sessionKeyArn(env, secondary),
      'Allowed',
    ),
    keyPolicy(primary)('no other key', caller, 'kms:GenerateDataKey', otherKeyArn(env), 'ImplicitlyDenied'),
    keyPolicy(primary)(
      'people do not decrypt transcripts',
      caller,
      'kms:Decrypt',
      sessionKeyArn(env),
      'ImplicitlyDenied',
    ),
    row(
      'people do not read transcripts',
      caller,
      's3:GetObject',
      `arn:aws:s3:::${transcriptBucket(env)}/sessions/alice-0123456789abcdef0.log`,
      'ImplicitlyDenied',
    ),
    row(
      'people do not read session logs',
      caller,
      'logs:GetLogEvents',
      `${sessionLogGroupArn(env)}:log-stream:alice-0123456789abcdef0`,
      'ImplicitlyDenied',
    ),
  ];
}

/** The owner rule, in a SAML environment with only that rule (eu-west-1 and eu-central-1). */
export function ownerRuleRows(env: IntentEnvironment): IntentRow[] {
  const row = rowsOf(env, { identity: ['session'] });
  const alice = person(env, 'alice', { SSMSessionRunAs: 'alice' });
  const owned = { AwsUserId: userIdOf(env, 'alice') };
  const [primary, secondary] = env.regions as [string, string];
  const outside = 'ap-southeast-2';
  const start = (tags: Record<string, string>, context: Record<string, string> = check) => ({
    resourceTags: tags,
    context,
  });
  const withRunAs = (runAs: string) => person(env, 'bob', { SSMSessionRunAs: runAs });
  const bobsOwn = { AwsUserId: userIdOf(env, 'bob') };
  return [
    row('console read', alice, 'ec2:DescribeInstances', '*', 'Allowed'),
    row('console read', alice, 'ssm:DescribeInstanceInformation', '*', 'Allowed'),
    row('console read', alice, 'ssm:DescribeSessions', '*', 'Allowed'),
    row('console read', alice, 'ssm:DescribeInstanceProperties', '*', 'Allowed'),
    row('console read', alice, 'ssm:GetConnectionStatus', instanceArn(env), 'Allowed'),
    row('own instance', alice, 'ssm:StartSession', instanceArn(env, primary), 'Allowed', start(owned)),
    row('own instance, second region', alice, 'ssm:StartSession', instanceArn(env, secondary), 'Allowed', start(owned)),
    row(
      "someone else's instance",
      alice,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ AwsUserId: userIdOf(env, 'bob') }),
    ),
    row('an untagged instance', alice, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', start({})),
    row(
      'the owner rule stays EC2 only',
      alice,
      'ssm:StartSession',
      managedInstanceArn(env),
      'ImplicitlyDenied',
      start(owned),
    ),
    row(
      'only the listed documents, whatever a document’s tags',
      alice,
      'ssm:StartSession',
      accountDocumentArn(env, 'PaymentsAdminShell'),
      'ImplicitlyDenied',
      start(owned),
    ),
    row(
      'AwsUserId is the whole aws:userid, not the session name',
      alice,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ AwsUserId: 'alice' }),
    ),
    row(
      'an empty owner tag',
      alice,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ AwsUserId: '' }),
    ),
    row(
      'an instance of another account, tagged with her id',
      alice,
      'ssm:StartSession',
      instanceArn(env, primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
      start(owned),
    ),
    row(
      'own instance outside the environment’s regions',
      alice,
      'ssm:StartSession',
      instanceArn(env, outside),
      'ExplicitlyDenied',
      start(owned),
    ),
    row(
      'a session that skips the document check',
      alice,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start(owned, { 'ssm:SessionDocumentAccessCheck': 'false' }),
    ),
    row(
      'the shell document',
      alice,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell', primary),
      'Allowed',
      { context: check },
    ),
    row(
      'the shell document, second region',
      alice,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell', secondary),
      'Allowed',
      { context: check },
    ),
    row(
      "another account's shell document",
      alice,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell', primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
      { context: check },
    ),
    ...['AWS-StartSSHSession', 'AWS-StartPortForwardingSession', 'AWS-StartInteractiveCommand'].map((doc) =>
      row(
        'SSH and port forwarding off; never a command document',
        alice,
        'ssm:StartSession',
        awsDocumentArn(doc, primary),
        'ImplicitlyDenied',
        { context: check, unsafe: true },
      ),
    ),
    row('never a command', alice, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied', { resourceTags: owned }),
    row(
      'never a command',
      alice,
      'ssm:SendCommand',
      awsDocumentArn('AWS-RunShellScript', primary),
      'ImplicitlyDenied',
      {
        unsafe: true,
      },
    ),
    row(
      'shell access, not control of instances',
      alice,
      'ec2:TerminateInstances',
      instanceArn(env),
      'ImplicitlyDenied',
      {
        resourceTags: owned,
      },
    ),
    ...(['ssm:TerminateSession', 'ssm:ResumeSession'] as const).flatMap((action) => [
      row('own session', alice, action, sessionArn(env, 'alice'), 'Allowed', {
        resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'alice') },
      }),
      row("someone else's session", alice, action, sessionArn(env, 'bob'), 'ImplicitlyDenied', {
        resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'bob') },
      }),
    ]),
    row(
      'own session outside the regions',
      alice,
      'ssm:TerminateSession',
      sessionArn(env, 'alice', outside),
      'ExplicitlyDenied',
      { resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'alice') } },
    ),
    ...documentAndKeyRows(env, alice),
    // The run-as guard: refused users, in any letter case, whatever the instance.
    ...['root', 'ROOT', 'ssm-user', 'ec2-user'].map((runAs) =>
      row(
        `the run-as guard refuses ${runAs}`,
        withRunAs(runAs),
        'ssm:StartSession',
        instanceArn(env),
        'ExplicitlyDenied',
        start(bobsOwn),
      ),
    ),
    row(
      'the run-as guard holds on the shell document too',
      withRunAs('root'),
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell'),
      'ExplicitlyDenied',
      { context: check },
    ),
    row(
      'a caller without the run-as tag is not denied (the default user)',
      person(env, 'bob'),
      'ssm:StartSession',
      instanceArn(env),
      'Allowed',
      start(bobsOwn),
    ),
  ];
}

/**
 * The attribute rule (two groups of `AppId` to `APP_ID`) and the principal-tag owner rule
 * (`UserName` to `CreatedBy`), in an Identity Center environment without the owner rule, with port
 * forwarding on (us-east-1 and us-west-2).
 */
export function attributeRuleRows(env: IntentEnvironment): IntentRow[] {
  const row = rowsOf(env, { identity: ['session'] });
  const carol = person(env, 'carol', { SSMSessionRunAs: 'carol', AppId: 'payments', UserName: 'carol' });
  const [primary, secondary] = env.regions as [string, string];
  const start = (tags: Record<string, string>) => ({ resourceTags: tags, context: check });
  const doc = (name: string) => awsDocumentArn(name, primary);
  const erin = person(env, 'erin', { SSMSessionRunAs: 'erin', AppId: 'payments', AppId2: 'billing' });
  return [
    row(
      'attributes match',
      carol,
      'ssm:StartSession',
      instanceArn(env, primary),
      'Allowed',
      start({ APP_ID: 'payments' }),
    ),
    row(
      'attributes match, second region',
      carol,
      'ssm:StartSession',
      instanceArn(env, secondary),
      'Allowed',
      start({ APP_ID: 'payments' }),
    ),
    row(
      'attributes differ',
      carol,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ APP_ID: 'billing' }),
    ),
    row(
      'attributes match, but the document check is skipped',
      carol,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      {
        resourceTags: { APP_ID: 'payments' },
        context: { 'ssm:SessionDocumentAccessCheck': 'false' },
      },
    ),
    row(
      'only the listed documents, whatever a document’s tags',
      carol,
      'ssm:StartSession',
      accountDocumentArn(env, 'PaymentsAdminShell'),
      'ImplicitlyDenied',
      start({ APP_ID: 'payments', CreatedBy: 'carol' }),
    ),
    row('the instance lacks the tag', carol, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', start({})),
    row(
      'a caller without the principal tag',
      person(env, 'dave', { SSMSessionRunAs: 'dave' }),
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ APP_ID: 'payments' }),
    ),
    row(
      'an empty tag never matches',
      person(env, 'dave', { SSMSessionRunAs: 'dave', AppId: '' }),
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ APP_ID: '' }),
    ),
    row('group 2 reads AppId2', erin, 'ssm:StartSession', instanceArn(env), 'Allowed', start({ APP_ID: 'billing' })),
    row('group 2: never a command', erin, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied', {
      resourceTags: { APP_ID: 'billing' },
    }),
    row('group 2: the document check is not skipped', erin, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', {
      resourceTags: { APP_ID: 'billing' },
      context: { 'ssm:SessionDocumentAccessCheck': 'false' },
    }),
    row(
      'group 2: only the listed documents',
      erin,
      'ssm:StartSession',
      accountDocumentArn(env, 'BillingAdminShell'),
      'ImplicitlyDenied',
      start({ APP_ID: 'billing' }),
    ),
    row(
      'there is no group 3',
      person(env, 'erin', { SSMSessionRunAs: 'erin', AppId3: 'ledger' }),
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ APP_ID: 'ledger' }),
    ),
    row(
      'managed instances by attributes',
      carol,
      'ssm:StartSession',
      managedInstanceArn(env),
      'Allowed',
      start({ APP_ID: 'payments' }),
    ),
    row(
      'managed instances by attributes: no match',
      carol,
      'ssm:StartSession',
      managedInstanceArn(env),
      'ImplicitlyDenied',
      start({ APP_ID: 'billing' }),
    ),
    row(
      'principal-tag owner: CreatedBy equals UserName',
      carol,
      'ssm:StartSession',
      instanceArn(env),
      'Allowed',
      start({ CreatedBy: 'carol' }),
    ),
    row(
      'principal-tag owner: another creator',
      carol,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ CreatedBy: 'dave' }),
    ),
    row('principal-tag owner: never a command', carol, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied', {
      resourceTags: { CreatedBy: 'carol' },
    }),
    row(
      'principal-tag owner: the document check is not skipped',
      carol,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      {
        resourceTags: { CreatedBy: 'carol' },
        context: { 'ssm:SessionDocumentAccessCheck': 'false' },
      },
    ),
    row(
      'the principal-tag owner rule stays EC2 only',
      carol,
      'ssm:StartSession',
      managedInstanceArn(env),
      'ImplicitlyDenied',
      start({ CreatedBy: 'carol' }),
    ),
    row(
      'the owner rule is off here',
      carol,
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start({ AwsUserId: userIdOf(env, 'carol') }),
    ),
    row(
      'outside the regions',
      carol,
      'ssm:StartSession',
      instanceArn(env, 'eu-west-1'),
      'ExplicitlyDenied',
      start({ APP_ID: 'payments' }),
    ),
    row(
      'the shell document',
      carol,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell'),
      'Allowed',
      { context: check },
    ),
    ...['AWS-StartPortForwardingSession', 'AWS-StartPortForwardingSessionToRemoteHost'].map((name) =>
      row('port forwarding is on', carol, 'ssm:StartSession', doc(name), 'Allowed', { context: check, unsafe: true }),
    ),
    ...['AWS-StartSSHSession', 'AWS-StartInteractiveCommand'].map((name) =>
      row('SSH is off; never a command document', carol, 'ssm:StartSession', doc(name), 'ImplicitlyDenied', {
        context: check,
        unsafe: true,
      }),
    ),
    row(
      'the run-as guard (Identity Center: a Deny on the principal tag)',
      person(env, 'carol', { SSMSessionRunAs: 'root', AppId: 'payments' }),
      'ssm:StartSession',
      instanceArn(env),
      'ExplicitlyDenied',
      start({ APP_ID: 'payments' }),
    ),
    row(
      'the run-as guard holds for port forwarding too',
      person(env, 'carol', { SSMSessionRunAs: 'Root', AppId: 'payments' }),
      'ssm:StartSession',
      doc('AWS-StartPortForwardingSession'),
      'ExplicitlyDenied',
      { context: check, unsafe: true },
    ),
    row('never a command', carol, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied', {
      resourceTags: { APP_ID: 'payments' },
    }),
    ...documentAndKeyRows(env, carol),
    row('own session', carol, 'ssm:TerminateSession', sessionArn(env, 'carol'), 'Allowed', {
      resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'carol') },
    }),
    row("someone else's session", carol, 'ssm:TerminateSession', sessionArn(env, 'dave'), 'ImplicitlyDenied', {
      resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'dave') },
    }),
  ];
}

/** Every row of the sessions table. */
export function sessionRows(environments: ReadonlyMap<string, IntentEnvironment>): IntentRow[] {
  return [
    ...ownerRuleRows(environments.get(SAML_OWNER.input.name)!),
    ...attributeRuleRows(environments.get(IC_ABAC.input.name)!),
  ];
}
