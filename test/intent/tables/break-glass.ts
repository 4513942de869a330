import {
  type IntentEnvironment,
  type IntentRow,
  accountDocumentArn,
  awsDocumentArn,
  breakGlassRoleName,
  instanceArn,
  managedInstanceArn,
  otherKeyArn,
  person,
  roleSession,
  rowsOf,
  sessionArn,
  sessionKeyAlias,
  sessionKeyArn,
  sessionLogGroupArn,
  transcriptBucket,
  userIdOf,
} from '../../support/intent';
import { JIT_BOTH, JIT_IAM_NO_RUN_AS, OTHER_ACCOUNT } from '../../support/intent-environments';

/**
 * Just-in-time access and its break-glass role (DESIGN.md "Just-in-time access", "Break-glass and
 * sign-in events"; the just-in-time guide, "What it reaches"): people have no standing
 * `ssm:StartSession` and may request access to the environment's instances; the break-glass role
 * opens shell sessions on every instance and managed instance of the account in every region of
 * the environment, whatever their tags and with no principal tag but the run-as one (none at all
 * where run-as is off), `SSM-SessionManagerRunShell` only, and nothing outside the regions or the
 * account; no commands, no SSH or port forwarding, no transcripts, no one else's sessions.
 */
export const BREAK_GLASS_ENVIRONMENTS = [JIT_BOTH, JIT_IAM_NO_RUN_AS];

const check = { 'ssm:SessionDocumentAccessCheck': 'true' };
const OUTSIDE = 'sa-east-1';

/** The break-glass role where run-as is on: the responder names their OS user, nothing else. */
function runAsRows(env: IntentEnvironment): IntentRow[] {
  const role = breakGlassRoleName(env.input);
  const row = rowsOf(env, { identity: ['breakGlass'] });
  const bob = roleSession(env, role, 'bob', { SSMSessionRunAs: 'bob' });
  const [primary, secondary] = env.regions as [string, string];
  const start = (resourceTags: Record<string, string> = {}) => ({ resourceTags, context: check });
  const keyRow = (region: string) => rowsOf(env, { identity: ['breakGlass'], resource: `keyPolicy:${region}` });
  const aliases = (names: string[], region: string) => ({
    context: { 'kms:ResourceAliases': names, 'aws:RequestedRegion': region },
  });
  const rows: IntentRow[] = [];
  for (const region of env.regions) {
    rows.push(
      row(
        `an untagged instance in ${region}, no approval`,
        bob,
        'ssm:StartSession',
        instanceArn(env, region),
        'Allowed',
        start(),
      ),
      row(
        `the shell document in ${region}`,
        bob,
        'ssm:StartSession',
        accountDocumentArn(env, 'SSM-SessionManagerRunShell', region),
        'Allowed',
        { context: check },
      ),
    );
  }
  rows.push(
    row(
      'someone else’s instance, whatever its tags',
      bob,
      'ssm:StartSession',
      instanceArn(env),
      'Allowed',
      start({ AwsUserId: userIdOf(env, 'alice'), APP_ID: 'payments', Restricted: 'true' }),
    ),
    row('a managed instance', bob, 'ssm:StartSession', managedInstanceArn(env), 'Allowed', start()),
    row(
      'outside the environment’s regions',
      bob,
      'ssm:StartSession',
      instanceArn(env, OUTSIDE),
      'ImplicitlyDenied',
      start(),
    ),
    row(
      'the shell document outside the regions',
      bob,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell', OUTSIDE),
      'ImplicitlyDenied',
      { context: check },
    ),
    row(
      'an instance of another account',
      bob,
      'ssm:StartSession',
      instanceArn(env, primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
      start(),
    ),
    row(
      'the shell document of another account',
      bob,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell', primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
      { context: check },
    ),
    row('without the document check', bob, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', {
      context: { 'ssm:SessionDocumentAccessCheck': 'false' },
    }),
    ...['AWS-StartSSHSession', 'AWS-StartPortForwardingSession', 'AWS-StartInteractiveCommand'].map((doc) =>
      row(
        'no SSH, port forwarding or commands',
        bob,
        'ssm:StartSession',
        awsDocumentArn(doc, primary),
        'ImplicitlyDenied',
        {
          context: check,
          unsafe: true,
        },
      ),
    ),
    row('no commands', bob, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied'),
    row(
      'run-as on: a session must name its OS user',
      roleSession(env, role, 'bob'),
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start(),
    ),
    row(
      'run-as on: an empty OS user',
      roleSession(env, role, 'bob', { SSMSessionRunAs: '' }),
      'ssm:StartSession',
      instanceArn(env),
      'ImplicitlyDenied',
      start(),
    ),
    ...['root', 'SSM-USER'].map((runAs) =>
      row(
        `the run-as guard refuses ${runAs}`,
        roleSession(env, role, 'bob', { SSMSessionRunAs: runAs }),
        'ssm:StartSession',
        instanceArn(env),
        'ExplicitlyDenied',
        start(),
      ),
    ),
    row('its own session', bob, 'ssm:TerminateSession', sessionArn(env, 'bob'), 'Allowed', {
      resourceTags: { 'aws:ssmmessages:session-id': String(bob.context['aws:userid']) },
    }),
    row('no one else’s session', bob, 'ssm:TerminateSession', sessionArn(env, 'alice'), 'ImplicitlyDenied', {
      resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'alice') },
    }),
    row('no one else’s session to resume', bob, 'ssm:ResumeSession', sessionArn(env, 'alice'), 'ImplicitlyDenied', {
      resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'alice') },
    }),
    keyRow(primary)(
      'the session key’s data key',
      bob,
      'kms:GenerateDataKey',
      sessionKeyArn(env, primary),
      'Allowed',
      aliases([sessionKeyAlias(env)], primary),
    ),
    keyRow(secondary)(
      'the session key’s data key, second region',
      bob,
      'kms:GenerateDataKey',
      sessionKeyArn(env, secondary),
      'Allowed',
      aliases([sessionKeyAlias(env)], secondary),
    ),
    keyRow(primary)(
      'no other key',
      bob,
      'kms:GenerateDataKey',
      otherKeyArn(env),
      'ImplicitlyDenied',
      aliases(['alias/payments-data'], primary),
    ),
    keyRow(primary)(
      'no key outside the regions',
      bob,
      'kms:GenerateDataKey',
      otherKeyArn(env, OUTSIDE),
      'ImplicitlyDenied',
      aliases([sessionKeyAlias(env)], OUTSIDE),
    ),
    keyRow(primary)(
      'no decrypting',
      bob,
      'kms:Decrypt',
      sessionKeyArn(env),
      'ImplicitlyDenied',
      aliases([sessionKeyAlias(env)], primary),
    ),
    row(
      'no transcripts',
      bob,
      's3:GetObject',
      `arn:aws:s3:::${transcriptBucket(env)}/sessions/alice-0123456789abcdef0.log`,
      'ImplicitlyDenied',
    ),
    row(
      'no session logs',
      bob,
      'logs:GetLogEvents',
      `${sessionLogGroupArn(env)}:log-stream:alice-0123456789abcdef0`,
      'ImplicitlyDenied',
    ),
    rowsOf(env, { identity: ['breakGlass'], resource: 'otherAccountKeyPolicy' })(
      'no key of another account, even one aliased the same',
      bob,
      'kms:GenerateDataKey',
      otherKeyArn(env, primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
      aliases([sessionKeyAlias(env)], primary),
    ),
    row('console reads', bob, 'ec2:DescribeInstances', '*', 'Allowed'),
    row('sessions, not control of instances', bob, 'ec2:TerminateInstances', instanceArn(env), 'ImplicitlyDenied'),
    row('nothing else: no ownership tag', bob, 'ec2:CreateTags', instanceArn(env), 'ImplicitlyDenied', {
      context: { 'aws:TagKeys': ['AwsUserId'], 'aws:RequestTag/AwsUserId': 'AROAEXAMPLE:bob' },
    }),
  );
  return rows;
}

/** The people of a just-in-time environment: no standing session, requests on the environment's instances. */
function requesterRows(env: IntentEnvironment): IntentRow[] {
  const row = rowsOf(env, { identity: ['session'] });
  const alice = person(env, 'alice', { SSMSessionRunAs: 'alice', AppId: 'payments' });
  const [primary] = env.regions as [string];
  const keyRow = (region: string) => rowsOf(env, { identity: ['session'], resource: `keyPolicy:${region}` });
  const opsItem = (region: string) => `arn:aws:ssm:${region}:${env.account}:opsitem/oi-0123456789ab`;
  const execution = `arn:aws:ssm:${primary}:${env.account}:automation-execution/0123abcd-4567-89ab-cdef-0123456789ab`;
  // Executions of approval workflows carry this tag (AWS's requester and approver policies match on it).
  const managed = { SystemsManagerJustInTimeNodeAccessManaged: 'true' };
  const manualPolicy = env.input.justInTime?.manualApprovals?.[0]?.name ?? '';
  return [
    row('no standing session on her own instance', alice, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', {
      resourceTags: { AwsUserId: userIdOf(env, 'alice') },
      context: check,
    }),
    row('no standing session by attributes', alice, 'ssm:StartSession', instanceArn(env), 'ImplicitlyDenied', {
      resourceTags: { APP_ID: 'payments' },
      context: check,
    }),
    row(
      'no standing session on the shell document',
      alice,
      'ssm:StartSession',
      accountDocumentArn(env, 'SSM-SessionManagerRunShell'),
      'ImplicitlyDenied',
      { context: check },
    ),
    row(
      'requests access to an instance of the environment',
      alice,
      'ssm:StartAccessRequest',
      instanceArn(env),
      'Allowed',
    ),
    row(
      'no requests in another account',
      alice,
      'ssm:StartAccessRequest',
      instanceArn(env, primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
    ),
    row(
      'no requests outside the regions',
      alice,
      'ssm:StartAccessRequest',
      instanceArn(env, OUTSIDE),
      'ExplicitlyDenied',
    ),
    row('her own session', alice, 'ssm:TerminateSession', sessionArn(env, 'alice'), 'Allowed', {
      resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'alice') },
    }),
    row('no one else’s session', alice, 'ssm:TerminateSession', sessionArn(env, 'bob'), 'ImplicitlyDenied', {
      resourceTags: { 'aws:ssmmessages:session-id': userIdOf(env, 'bob') },
    }),
    row('never a command', alice, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied'),
    row('tokens of the account’s access requests', alice, 'ssm:GetAccessToken', opsItem(primary), 'Allowed'),
    row('reads of the account’s access requests', alice, 'ssm:GetOpsItem', opsItem(primary), 'Allowed'),
    row('requests are not hers to change', alice, 'ssm:UpdateOpsItem', opsItem(primary), 'ImplicitlyDenied'),
    row(
      'approval workflows of the environment’s manual policies',
      alice,
      'ssm:StartAutomationExecution',
      accountDocumentArn(env, manualPolicy),
      'Allowed',
    ),
    row(
      'no other automation',
      alice,
      'ssm:StartAutomationExecution',
      accountDocumentArn(env, 'payments-restart-runbook'),
      'ImplicitlyDenied',
    ),
    row('cancelling her requests', alice, 'ssm:StopAutomationExecution', execution, 'Allowed', {
      resourceTags: managed,
    }),
    row('no other automation to stop', alice, 'ssm:StopAutomationExecution', execution, 'ImplicitlyDenied'),
    row(
      'people do not approve (approvers hold ssm:SendAutomationSignal)',
      alice,
      'ssm:SendAutomationSignal',
      execution,
      'ImplicitlyDenied',
      { resourceTags: managed },
    ),
    row(
      'people do not change approval policies',
      alice,
      'ssm:UpdateDocument',
      accountDocumentArn(env, 'SSM-JustInTimeAccessAutoApprovalPolicy'),
      'ImplicitlyDenied',
      { context: { 'ssm:DocumentType': 'AutoApprovalPolicy' } },
    ),
    row(
      'people do not change the just-in-time setup',
      alice,
      'ssm-quicksetup:DeleteConfigurationManager',
      `arn:aws:ssm-quicksetup:${primary}:${env.account}:configuration-manager/0123abcd-4567-89ab-cdef-0123456789ab`,
      'ImplicitlyDenied',
    ),
    row(
      'people do not take the account out of the organization (and its SCPs)',
      alice,
      'organizations:LeaveOrganization',
      '*',
      'ImplicitlyDenied',
    ),
    keyRow(primary)('the session key’s data key', alice, 'kms:GenerateDataKey', sessionKeyArn(env, primary), 'Allowed'),
    keyRow(primary)('no other key', alice, 'kms:GenerateDataKey', otherKeyArn(env), 'ImplicitlyDenied'),
    keyRow(primary)('people do not decrypt transcripts', alice, 'kms:Decrypt', sessionKeyArn(env), 'ImplicitlyDenied'),
  ];
}

/** The break-glass role where run-as is off: no principal tag at all, in every region of the environment. */
function untaggedRows(env: IntentEnvironment): IntentRow[] {
  const row = rowsOf(env, { identity: ['breakGlass'] });
  const responder = roleSession(env, breakGlassRoleName(env.input), 'bob');
  return [
    ...env.regions.map((region) =>
      row(
        `no principal tags, an untagged instance in ${region}`,
        responder,
        'ssm:StartSession',
        instanceArn(env, region),
        'Allowed',
        {
          context: check,
        },
      ),
    ),
    ...env.regions.map((region) =>
      row(
        `no principal tags, the shell document in ${region}`,
        responder,
        'ssm:StartSession',
        accountDocumentArn(env, 'SSM-SessionManagerRunShell', region),
        'Allowed',
        { context: check },
      ),
    ),
    row(
      'no principal tags, outside the regions',
      responder,
      'ssm:StartSession',
      instanceArn(env, 'eu-west-1'),
      'ImplicitlyDenied',
      {
        context: check,
      },
    ),
    row(
      'the run-as guard still refuses root',
      roleSession(env, breakGlassRoleName(env.input), 'bob', { SSMSessionRunAs: 'root' }),
      'ssm:StartSession',
      instanceArn(env),
      'ExplicitlyDenied',
      { context: check },
    ),
  ];
}

/** Every row of the break-glass table. */
export function breakGlassRows(environments: ReadonlyMap<string, IntentEnvironment>): IntentRow[] {
  const both = environments.get(JIT_BOTH.input.name)!;
  const open = environments.get(JIT_IAM_NO_RUN_AS.input.name)!;
  return [...runAsRows(both), ...requesterRows(both), ...untaggedRows(open)];
}
