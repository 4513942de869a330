import {
  type IntentEnvironment,
  type IntentRow,
  type PolicyRefs,
  breakGlassRoleName,
  ciPolicyNames,
  instanceArn,
  otherKeyArn,
  roleSession,
  rowsOf,
  sessionKeyAlias,
  sessionKeyArn,
  sessionLogGroupArn,
  transcriptBucket,
} from '../../support/intent';
import { CI_STANDING, JIT_BOTH, OTHER_ACCOUNT } from '../../support/intent-environments';

/**
 * The GitHub Actions roles (DESIGN.md "CI roles"; the CI and review guide, "What the CI roles can
 * and cannot do"): the plan role reads what `terraform plan` refreshes, of the stack's own
 * resources in its regions, and nothing that holds session data, even with `ReadOnlyAccess`
 * attached later; it changes nothing. The deploy role changes the stack's resources by name; roles
 * it creates or changes carry the boundary, which it cannot change or remove; it cannot change the
 * CI roles or their policies, attach AWS-managed policies, create users or keys, or delete audit
 * data. Any role under the boundary stays within it, whatever policy it is given.
 */
export const CI_ENVIRONMENTS = [CI_STANDING, JIT_BOTH];

const OUTSIDE = 'ap-southeast-2';

interface Names {
  readonly plan: PolicyRefs;
  readonly deploy: PolicyRefs;
  readonly boundaryArn: string;
  readonly iam: (kind: 'role' | 'policy' | 'user', name: string) => string;
}

function namesOf(env: IntentEnvironment): Names {
  return {
    plan: { identity: ciPolicyNames(env, 'plan'), boundary: 'boundary' },
    deploy: { identity: ciPolicyNames(env, 'deploy'), boundary: 'boundary' },
    boundaryArn: `arn:aws:iam::${env.account}:policy/${env.name}-permissions-boundary`,
    iam: (kind, name) => `arn:aws:iam::${env.account}:${kind}/${name}`,
  };
}

const regional = (env: IntentEnvironment, service: string, resource: string, region = env.regions[0]!) =>
  `arn:aws:${service}:${region}:${env.account}:${resource}`;

/** What holds session data, for the plan and the deploy role alike. */
function sessionData(env: IntentEnvironment, refs: PolicyRefs, who: ReturnType<typeof roleSession>): IntentRow[] {
  const row = rowsOf(env, refs);
  const keyRow = rowsOf(env, { ...refs, resource: `keyPolicy:${env.regions[0]}` });
  const logGroup = sessionLogGroupArn(env);
  const denied = 'ExplicitlyDenied' as const;
  const noSessionData = 'reads no session data, whatever is attached later';
  return [
    row(noSessionData, who, 'logs:GetLogEvents', `${logGroup}:log-stream:alice-0123456789abcdef0`, denied),
    row(noSessionData, who, 'logs:FilterLogEvents', logGroup, denied),
    row(noSessionData, who, 'logs:StartLiveTail', logGroup, denied),
    row(noSessionData, who, 'logs:StartQuery', logGroup, denied),
    row(
      noSessionData,
      who,
      's3:GetObject',
      `arn:aws:s3:::${transcriptBucket(env)}/sessions/alice-0123456789abcdef0.log`,
      denied,
    ),
    keyRow(noSessionData, who, 'kms:Decrypt', sessionKeyArn(env), denied, {
      context: { 'kms:ResourceAliases': [sessionKeyAlias(env)] },
    }),
    row(
      noSessionData,
      who,
      'sqs:ReceiveMessage',
      regional(env, 'sqs', `${env.name}-launch-tagger-dead-letters`),
      denied,
    ),
    row(noSessionData, who, 'ssm:StartSession', instanceArn(env), denied, {
      context: { 'ssm:SessionDocumentAccessCheck': 'true' },
    }),
    row(noSessionData, who, 'ssm:GetParameter', regional(env, 'ssm', 'parameter/database-password'), denied),
    row(
      noSessionData,
      who,
      'secretsmanager:GetSecretValue',
      regional(env, 'secretsmanager', 'secret:database-AbCdEf'),
      denied,
    ),
  ];
}

/** The refresh reads both CI roles make (the deploy role has the plan role's reads), and nothing beyond the stack. */
function readRows(env: IntentEnvironment, refs: PolicyRefs, who: ReturnType<typeof roleSession>): IntentRow[] {
  const names = namesOf(env);
  const read = rowsOf(env, refs);
  const [primary] = env.regions as [string];
  const keyRow = rowsOf(env, { ...refs, resource: `keyPolicy:${primary}` });
  const identity = env.input.identity;
  const federatedRole = identity.type === 'saml' ? identity.roleName : '';
  const bucket = `arn:aws:s3:::${transcriptBucket(env)}`;
  const aliases = (names: string[], region = primary) => ({
    context: { 'kms:ResourceAliases': names, 'aws:RequestedRegion': region },
  });
  const refresh = 'refreshes the stack’s own resources';
  const outsideStack = 'reads nothing outside the stack';
  const outsideRegions = 'reads only in the stack’s regions';
  const tagger = (region = primary, account = env.account) =>
    `arn:aws:lambda:${region}:${account}:function:${env.name}-launch-tagger`;
  return [
    read(refresh, who, 'iam:GetRole', names.iam('role', federatedRole), 'Allowed'),
    read(refresh, who, 'iam:GetRolePolicy', names.iam('role', `${env.name}-ssm-managed-instance`), 'Allowed'),
    read(refresh, who, 'iam:GetPolicyVersion', names.boundaryArn, 'Allowed'),
    read(refresh, who, 's3:GetBucketPolicy', bucket, 'Allowed'),
    read(refresh, who, 's3:GetEncryptionConfiguration', bucket, 'Allowed'),
    read(refresh, who, 'logs:DescribeLogGroups', '*', 'Allowed'),
    read(refresh, who, 'logs:ListTagsForResource', sessionLogGroupArn(env), 'Allowed'),
    keyRow(refresh, who, 'kms:GetKeyPolicy', sessionKeyArn(env), 'Allowed', aliases([sessionKeyAlias(env)])),
    read(refresh, who, 'lambda:GetFunction', tagger(), 'Allowed'),
    read(refresh, who, 'ssm:GetDocument', regional(env, 'ssm', 'document/SSM-SessionManagerRunShell'), 'Allowed'),
    read(
      refresh,
      who,
      'sqs:GetQueueAttributes',
      regional(env, 'sqs', `${env.name}-launch-tagger-dead-letters`),
      'Allowed',
    ),
    read(outsideStack, who, 'iam:GetRole', names.iam('role', 'Administrator'), 'ImplicitlyDenied'),
    read(outsideStack, who, 'iam:GetRole', `arn:aws:iam::${OTHER_ACCOUNT}:role/${federatedRole}`, 'ImplicitlyDenied'),
    read(outsideStack, who, 's3:GetBucketPolicy', 'arn:aws:s3:::payments-data', 'ImplicitlyDenied'),
    read(
      outsideStack,
      who,
      'logs:ListTagsForResource',
      regional(env, 'logs', 'log-group:/payments/app'),
      'ImplicitlyDenied',
    ),
    keyRow(
      outsideStack,
      who,
      'kms:GetKeyPolicy',
      otherKeyArn(env),
      'ImplicitlyDenied',
      aliases(['alias/payments-data']),
    ),
    rowsOf(env, { ...refs, resource: 'otherAccountKeyPolicy' })(
      outsideStack,
      who,
      'kms:GetKeyPolicy',
      otherKeyArn(env, primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
      aliases([sessionKeyAlias(env)]),
    ),
    read(outsideStack, who, 'lambda:GetFunction', regional(env, 'lambda', 'function:payments-api'), 'ImplicitlyDenied'),
    read(outsideRegions, who, 'lambda:GetFunction', tagger(OUTSIDE), 'ImplicitlyDenied'),
    keyRow(
      outsideRegions,
      who,
      'kms:GetKeyPolicy',
      otherKeyArn(env, OUTSIDE),
      'ImplicitlyDenied',
      aliases([sessionKeyAlias(env)], OUTSIDE),
    ),
    read(outsideRegions, who, 'logs:ListTagsForResource', sessionLogGroupArn(env, OUTSIDE), 'ImplicitlyDenied'),
    read(
      'reads only in the stack’s account',
      who,
      'lambda:GetFunction',
      tagger(primary, OTHER_ACCOUNT),
      'ImplicitlyDenied',
    ),
  ];
}

function planRows(env: IntentEnvironment): IntentRow[] {
  const names = namesOf(env);
  const plan = rowsOf(env, names.plan);
  const keyRow = rowsOf(env, { ...names.plan, resource: `keyPolicy:${env.regions[0]}` });
  const who = roleSession(env, `${env.name}-github-plan`, 'GitHubActions');
  const identity = env.input.identity;
  const federatedRole = identity.type === 'saml' ? identity.roleName : '';
  const bucket = `arn:aws:s3:::${transcriptBucket(env)}`;
  const aliases = (names: string[]) => ({ context: { 'kms:ResourceAliases': names } });
  const noChange = 'the plan role changes nothing';
  return [
    ...readRows(env, names.plan, who),
    plan(noChange, who, 'iam:PutRolePolicy', names.iam('role', federatedRole), 'ImplicitlyDenied', {
      context: { 'iam:PermissionsBoundary': names.boundaryArn },
    }),
    plan(noChange, who, 'iam:UpdateAssumeRolePolicy', names.iam('role', federatedRole), 'ImplicitlyDenied'),
    plan(noChange, who, 's3:PutBucketPolicy', bucket, 'ImplicitlyDenied'),
    plan(noChange, who, 's3:PutLifecycleConfiguration', bucket, 'ImplicitlyDenied'),
    keyRow(noChange, who, 'kms:PutKeyPolicy', sessionKeyArn(env), 'ImplicitlyDenied', aliases([sessionKeyAlias(env)])),
    plan(noChange, who, 'logs:PutRetentionPolicy', sessionLogGroupArn(env), 'ImplicitlyDenied'),
    plan(
      noChange,
      who,
      'lambda:UpdateFunctionCode',
      regional(env, 'lambda', `function:${env.name}-launch-tagger`),
      'ImplicitlyDenied',
    ),
    plan(
      noChange,
      who,
      'sqs:SetQueueAttributes',
      regional(env, 'sqs', `${env.name}-launch-tagger-dead-letters`),
      'ImplicitlyDenied',
    ),
    plan(
      noChange,
      who,
      'events:PutRule',
      regional(env, 'events', `rule/${env.name}-launch-tagger-run-instances`),
      'ImplicitlyDenied',
    ),
    plan(
      noChange,
      who,
      'cloudwatch:DeleteAlarms',
      regional(env, 'cloudwatch', `alarm:${env.name}-launch-tagger-dead-letters-not-empty`),
      'ImplicitlyDenied',
    ),
    plan(
      noChange,
      who,
      'ssm:UpdateDocument',
      regional(env, 'ssm', 'document/SSM-SessionManagerRunShell'),
      'ImplicitlyDenied',
    ),
    plan(noChange, who, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied'),
    ...sessionData(env, { ...names.plan, identity: [...names.plan.identity!, 'attachedLater'] }, who),
  ];
}

function deployRows(env: IntentEnvironment): IntentRow[] {
  const names = namesOf(env);
  const deploy = rowsOf(env, names.deploy);
  const keyRow = rowsOf(env, { ...names.deploy, resource: `keyPolicy:${env.regions[0]}` });
  const who = roleSession(env, `${env.name}-github-deploy`, 'GitHubActions');
  const bounded = { 'iam:PermissionsBoundary': names.boundaryArn };
  const otherBoundary = { 'iam:PermissionsBoundary': names.iam('policy', 'LooseBoundary') };
  const newRole = names.iam('role', `${env.name}-new-role`);
  const identity = env.input.identity;
  const federatedRole = identity.type === 'saml' ? identity.roleName : '';
  const bucket = `arn:aws:s3:::${transcriptBucket(env)}`;
  const tagger = regional(env, 'lambda', `function:${env.name}-launch-tagger`);
  const boundaryRule = 'roles it creates or changes carry the boundary';
  const guards = 'it cannot loosen its own guards';
  return [
    deploy(boundaryRule, who, 'iam:CreateRole', newRole, 'Allowed', { context: bounded }),
    deploy(boundaryRule, who, 'iam:CreateRole', newRole, 'ExplicitlyDenied'),
    deploy(boundaryRule, who, 'iam:CreateRole', newRole, 'ExplicitlyDenied', { context: otherBoundary }),
    deploy(boundaryRule, who, 'iam:PutRolePolicy', names.iam('role', federatedRole), 'Allowed', { context: bounded }),
    deploy(boundaryRule, who, 'iam:PutRolePolicy', names.iam('role', `${env.name}-unbounded`), 'ExplicitlyDenied'),
    deploy(boundaryRule, who, 'iam:AttachRolePolicy', newRole, 'ExplicitlyDenied', {
      context: { 'iam:PolicyARN': names.iam('policy', `${env.name}-extra`) },
    }),
    deploy(boundaryRule, who, 'iam:PutRolePermissionsBoundary', names.iam('role', federatedRole), 'ExplicitlyDenied', {
      context: otherBoundary,
    }),
    deploy(
      boundaryRule,
      who,
      'iam:DeleteRolePermissionsBoundary',
      names.iam('role', federatedRole),
      'ExplicitlyDenied',
    ),
    deploy(guards, who, 'iam:CreatePolicyVersion', names.boundaryArn, 'ExplicitlyDenied'),
    deploy(
      guards,
      who,
      'iam:CreatePolicyVersion',
      names.iam('policy', `${env.name}-github-plan-read`),
      'ExplicitlyDenied',
    ),
    deploy(
      guards,
      who,
      'iam:CreatePolicyVersion',
      names.iam('policy', `${env.name}-github-deploy-guards`),
      'ExplicitlyDenied',
    ),
    deploy(guards, who, 'iam:UpdateAssumeRolePolicy', names.iam('role', `${env.name}-github-plan`), 'ExplicitlyDenied'),
    deploy(guards, who, 'iam:PutRolePolicy', names.iam('role', `${env.name}-github-deploy`), 'ExplicitlyDenied', {
      context: bounded,
    }),
    deploy(guards, who, 'iam:AttachRolePolicy', newRole, 'ExplicitlyDenied', {
      context: { ...bounded, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
    deploy(guards, who, 'iam:CreateUser', names.iam('user', 'deployer'), 'ExplicitlyDenied'),
    deploy(guards, who, 'iam:CreateAccessKey', names.iam('user', 'deployer'), 'ExplicitlyDenied'),
    deploy(guards, who, 'iam:CreateLoginProfile', names.iam('user', 'deployer'), 'ExplicitlyDenied'),
    deploy(
      'no roles outside its names',
      who,
      'iam:CreateRole',
      names.iam('role', 'Administrator2'),
      'ImplicitlyDenied',
      {
        context: bounded,
      },
    ),
    deploy(
      'passes roles to EC2 and Lambda',
      who,
      'iam:PassRole',
      names.iam('role', `${env.name}-ssm-managed-instance`),
      'Allowed',
      {
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
    ),
    deploy(
      'passes roles to EC2 and Lambda only',
      who,
      'iam:PassRole',
      names.iam('role', `${env.name}-ssm-managed-instance`),
      'ImplicitlyDenied',
      {
        context: { 'iam:PassedToService': 'ssm.amazonaws.com' },
      },
    ),
    deploy('passes only its own roles', who, 'iam:PassRole', names.iam('role', 'Administrator'), 'ImplicitlyDenied', {
      context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    }),
    deploy('no audit data lost', who, 's3:DeleteBucket', bucket, 'ExplicitlyDenied'),
    deploy('no audit data lost', who, 'logs:DeleteLogGroup', sessionLogGroupArn(env), 'ExplicitlyDenied'),
    keyRow('no audit data lost', who, 'kms:ScheduleKeyDeletion', sessionKeyArn(env), 'ExplicitlyDenied', {
      context: { 'kms:ResourceAliases': [sessionKeyAlias(env)] },
    }),
    deploy('changes the stack’s resources', who, 'lambda:UpdateFunctionCode', tagger, 'Allowed'),
    deploy('changes the stack’s resources', who, 's3:PutBucketPolicy', bucket, 'Allowed'),
    deploy(
      'changes the stack’s resources',
      who,
      'ssm:UpdateDocument',
      regional(env, 'ssm', 'document/SSM-SessionManagerRunShell'),
      'Allowed',
    ),
    deploy('creates keys in its regions', who, 'kms:CreateKey', '*', 'Allowed'),
    deploy('creates keys in its regions only', who, 'kms:CreateKey', '*', 'ImplicitlyDenied', {
      context: { 'aws:RequestedRegion': OUTSIDE },
    }),
    deploy(
      'only in the stack’s regions',
      who,
      'lambda:UpdateFunctionCode',
      regional(env, 'lambda', `function:${env.name}-launch-tagger`, OUTSIDE),
      'ImplicitlyDenied',
    ),
    deploy(
      'only the stack’s resources',
      who,
      'lambda:UpdateFunctionCode',
      regional(env, 'lambda', 'function:payments-api'),
      'ImplicitlyDenied',
    ),
    deploy('only the stack’s resources', who, 's3:PutBucketPolicy', 'arn:aws:s3:::payments-data', 'ImplicitlyDenied'),
    deploy('never runs commands or instances', who, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied'),
    deploy('never runs commands or instances', who, 'ec2:RunInstances', instanceArn(env), 'ImplicitlyDenied'),
    ...readRows(env, names.deploy, who),
    deploy(
      'manages the federated role’s trust',
      who,
      'iam:UpdateAssumeRolePolicy',
      names.iam('role', federatedRole),
      'Allowed',
    ),
    deploy(
      'no roles outside its names',
      who,
      'iam:UpdateAssumeRolePolicy',
      names.iam('role', 'Administrator'),
      'ImplicitlyDenied',
    ),
    deploy('no roles outside its names', who, 'iam:DeleteRole', names.iam('role', 'Administrator'), 'ImplicitlyDenied'),
    deploy(
      'nobody but the launch tagger sets AwsUserId: no invoking it with a made-up launch',
      who,
      'lambda:InvokeFunction',
      tagger,
      'ImplicitlyDenied',
    ),
    deploy(
      'no audit data lost: transcripts',
      who,
      's3:DeleteObject',
      `${bucket}/sessions/alice-0123456789abcdef0.log`,
      'ImplicitlyDenied',
    ),
    deploy(
      'no transcripts written',
      who,
      's3:PutObject',
      `${bucket}/sessions/alice-0123456789abcdef0.log`,
      'ImplicitlyDenied',
    ),
    deploy(
      'no audit data lost: session log streams',
      who,
      'logs:DeleteLogStream',
      `${sessionLogGroupArn(env)}:log-stream:alice-0123456789abcdef0`,
      'ImplicitlyDenied',
    ),
    deploy(
      'changes the session log group (retention included)',
      who,
      'logs:PutRetentionPolicy',
      sessionLogGroupArn(env),
      'Allowed',
    ),
    deploy(
      'only the stack’s log groups',
      who,
      'logs:PutRetentionPolicy',
      regional(env, 'logs', 'log-group:/payments/app'),
      'ImplicitlyDenied',
    ),
    deploy(
      'only in the stack’s regions',
      who,
      'logs:PutRetentionPolicy',
      sessionLogGroupArn(env, OUTSIDE),
      'ImplicitlyDenied',
    ),
    ...sessionData(env, names.deploy, who),
  ];
}

/** A role the deploy role creates, with everything allowed inline: the boundary still holds. */
function boundaryRows(env: IntentEnvironment): IntentRow[] {
  const names = namesOf(env);
  const row = rowsOf(env, { identity: ['attachedLater'], boundary: 'boundary' });
  const who = roleSession(env, `${env.name}-new-role`, 'anything');
  const ceiling = 'within the boundary’s service ceiling, whatever policy it is given';
  return [
    row(ceiling, who, 'iam:CreateUser', names.iam('user', 'backdoor'), 'ImplicitlyDenied'),
    row(ceiling, who, 'iam:CreateAccessKey', names.iam('user', 'deployer'), 'ImplicitlyDenied'),
    row(ceiling, who, 'ssm:SendCommand', instanceArn(env), 'ImplicitlyDenied'),
    row(ceiling, who, 'ec2:RunInstances', instanceArn(env), 'ImplicitlyDenied'),
    row(ceiling, who, 'ec2:TerminateInstances', instanceArn(env), 'ImplicitlyDenied'),
    row('its own policy, within the ceiling', who, 'ssm:StartSession', instanceArn(env), 'Allowed', {
      context: { 'ssm:SessionDocumentAccessCheck': 'true' },
    }),
    row(
      'it cannot remove its boundary',
      who,
      'iam:DeleteRolePermissionsBoundary',
      names.iam('role', `${env.name}-new-role`),
      'ExplicitlyDenied',
    ),
    row('it cannot change the boundary', who, 'iam:CreatePolicyVersion', names.boundaryArn, 'ExplicitlyDenied'),
    row(
      'it creates roles only with the boundary',
      who,
      'iam:CreateRole',
      names.iam('role', `${env.name}-other`),
      'ExplicitlyDenied',
    ),
    ...sessionData(env, { identity: ['attachedLater'], boundary: 'boundary' }, who).filter(
      // The boundary leaves kms:Decrypt and sessions to the role's own policy (the instance role decrypts).
      (r) => !['kms:Decrypt', 'ssm:StartSession'].includes(r.action),
    ),
  ];
}

/** The deploy role creates the break-glass role of a just-in-time environment, bounded like every other. */
function breakGlassCreationRows(env: IntentEnvironment): IntentRow[] {
  const names = namesOf(env);
  const deploy = rowsOf(env, names.deploy);
  const who = roleSession(env, `${env.name}-github-deploy`, 'GitHubActions');
  const role = names.iam('role', breakGlassRoleName(env.input));
  return [
    deploy('creates the break-glass role with the boundary', who, 'iam:CreateRole', role, 'Allowed', {
      context: { 'iam:PermissionsBoundary': names.boundaryArn },
    }),
    deploy('never without it', who, 'iam:CreateRole', role, 'ExplicitlyDenied'),
    deploy('changes its policy with the boundary', who, 'iam:PutRolePolicy', role, 'Allowed', {
      context: { 'iam:PermissionsBoundary': names.boundaryArn },
    }),
    deploy('never removes its boundary', who, 'iam:DeleteRolePermissionsBoundary', role, 'ExplicitlyDenied'),
  ];
}

/** Every row of the CI table. */
export function ciRows(environments: ReadonlyMap<string, IntentEnvironment>): IntentRow[] {
  const ci = environments.get(CI_STANDING.input.name)!;
  const jit = environments.get(JIT_BOTH.input.name)!;
  return [...planRows(ci), ...deployRows(ci), ...boundaryRows(ci), ...breakGlassCreationRows(jit)];
}
