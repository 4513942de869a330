import { type IntentEnvironment, type IntentRow, synthesizeIntent } from '../support/intent';
import {
  CI_STANDING,
  IC_ABAC,
  JIT_BOTH,
  JIT_IAM_NO_RUN_AS,
  OTHER_ACCOUNT,
  SAML_OWNER,
} from '../support/intent-environments';
import { type Widening, asList, rowsChangedBy, tryWidening, wideningKey, wideningsOf } from '../support/widening';
import { breakGlassRows } from './tables/break-glass';
import { ciRows } from './tables/ci-roles';
import { instanceRows } from './tables/instance-role';
import { ownershipRows } from './tables/ownership-tag';
import { sessionRows } from './tables/sessions';
import { signInRows } from './tables/sign-in';

/**
 * Widening experiments: every Allow statement of the people's session policies, the break-glass
 * role's policy and the CI roles' policies is widened in turn (one more action: `ssm:SendCommand`
 * or one of its services whole; its resource `*` or the same names in another account; one
 * condition dropped), and some intent row must decide differently. A widening that no row notices
 * fails here, named by environment, policy, statement and change, unless it is listed below with
 * the reason it changes nothing that is promised.
 *
 * Only the rows a widened statement can concern are evaluated (same environment and policy, a
 * request for one of the statement's actions, and a decision such a change can move), and each
 * widening stops at the first row that notices.
 */
const environments = synthesizeIntent([SAML_OWNER, IC_ABAC, JIT_BOTH, JIT_IAM_NO_RUN_AS, CI_STANDING]);
const rows: IntentRow[] = [
  ...sessionRows(environments),
  ...ownershipRows(environments),
  ...signInRows(environments),
  ...breakGlassRows(environments),
  ...ciRows(environments),
  ...instanceRows(environments),
];

const environment = (source: { input: { name: string } }) => environments.get(source.input.name)!;
const ci = environment(CI_STANDING);
const targets: [string, IntentEnvironment, string][] = [
  ...[SAML_OWNER, IC_ABAC, JIT_BOTH].map((s): [string, IntentEnvironment, string] => [
    `${s.input.name} session`,
    environment(s),
    'session',
  ]),
  [`${JIT_BOTH.input.name} breakGlass`, environment(JIT_BOTH), 'breakGlass'],
  ...Object.keys(ci.policies)
    .filter((name) => /^(plan|deploy):/.test(name))
    .map((name): [string, IntentEnvironment, string] => [`${ci.name} ${name}`, ci, name]),
];

const widenings = new Map(
  targets.map(([label, env, policy]) => [label, wideningsOf(env.name, policy, env.policies[policy]!, OTHER_ACCOUNT)]),
);

/** `ssm:SendCommand` runs commands on instances; a statement that names no instance cannot let it run one. */
const SEND_COMMAND_NEEDS_AN_INSTANCE =
  'ssm:SendCommand needs an instance or managed instance, which this statement does not name; its other resources (documents, output buckets) run nothing alone, and the rows on instances keep commands denied';
function harmlessByRule(widening: Widening): string | undefined {
  if (widening.change !== 'adds ssm:SendCommand') return undefined;
  const resources = asList(widening.statement.Resource as string | string[] | undefined);
  return resources.some((r) => r === '*' || /:(instance|managed-instance)\//.test(r))
    ? undefined
    : SEND_COMMAND_NEEDS_AN_INSTANCE;
}

const SESSIONS_ONLY =
  'session resources take only ssm:ResumeSession and ssm:TerminateSession, which the statement has, and the own-session condition still holds';
const UNDER_THE_BOUNDARY = 'the permissions boundary’s service ceiling has no ssm:SendCommand';
const ALREADY_MANAGED =
  'on the stack’s own alarms, rules, queues and preferences document, which the deploy role already creates, changes and deletes; sqs:ReceiveMessage and ssm:StartSession stay denied (DenySessionData)';

/** Widenings that change nothing promised, each with the reason. */
const HARMLESS: Readonly<Record<string, string>> = {
  'saml-owner session ResumeAndTerminateOwnSessions: adds ssm:*': SESSIONS_ONLY,
  'saml-owner session ResumeAndTerminateOwnSessions: Resource "*"': SESSIONS_ONLY,
  'ic-abac session ResumeAndTerminateOwnSessions: adds ssm:*': SESSIONS_ONLY,
  'ic-abac session ResumeAndTerminateOwnSessions: Resource "*"': SESSIONS_ONLY,
  'jit-both session ResumeAndTerminateOwnSessions: adds ssm:*': SESSIONS_ONLY,
  'jit-both session ResumeAndTerminateOwnSessions: Resource "*"': SESSIONS_ONLY,
  'jit-both breakGlass ResumeAndTerminateOwnSessions: adds ssm:*': SESSIONS_ONLY,
  'jit-both breakGlass ResumeAndTerminateOwnSessions: Resource "*"': SESSIONS_ONLY,
  'jit-both session RequestJustInTimeAccess: Resource "*"':
    'ssm:StartAccessRequest acts on instances and managed instances only; another account’s need that account’s permission, and DenySessionsOutsideTheRegions keeps requests in the regions',
  'jit-both session GetAccessTokenOfRequests: Resource "*"':
    'ssm:GetAccessToken and ssm:GetOpsItem act on OpsItems only, and another account’s need that account’s permission',
  'jit-both session CancelAccessRequests: Resource "*"':
    'ssm:StopAutomationExecution acts on automation executions only, and the just-in-time tag condition still holds',
  'jit-both session ReadApprovalPolicies: Resource "*"':
    'reads only: DescribeDocument and GetDocument show a document’s content, which holds no session data; no promise limits which documents people read',
  'jit-both session ReadApprovalPolicies: Resource in account 999999999999':
    'reads only, and no promise says people read the approval policies (the console may); the statement only loses its own account',
  'jit-both session ReadApprovalPolicies: drops StringEquals ssm:DocumentType':
    'reads only: DescribeDocument and GetDocument show a document’s content, which holds no session data; no promise limits which documents people read',
  'ci-standing plan:0 TerraformRefreshReads: adds ssm:SendCommand': UNDER_THE_BOUNDARY,
  'ci-standing deploy:4 TerraformRefreshReads: adds ssm:SendCommand': UNDER_THE_BOUNDARY,
  'ci-standing deploy:2 CreateKeys: adds ssm:SendCommand': UNDER_THE_BOUNDARY,
  'ci-standing deploy:0 RolesCarryTheBoundary: adds iam:*':
    'iam:PermissionsBoundary is in the request only on role calls (CreateRole, PutRolePolicy, UpdateAssumeRolePolicy, DeleteRole ...), which the deploy role has already (ManageIam, this statement) or its guards deny (DeleteRolePermissionsBoundary)',
  'ci-standing deploy:0 RolesCarryTheBoundary: drops StringEquals iam:PermissionsBoundary':
    'DenyRolesWithoutTheBoundary refuses the same calls without the boundary: the rows "roles it creates or changes carry the boundary" hold on the Deny alone',
  'ci-standing deploy:0 PassRolesToTheirServices: adds iam:*':
    'iam:PassedToService is in the request only on iam:PassRole',
  'ci-standing deploy:1 ManageServicesInRegions: adds cloudwatch:*': ALREADY_MANAGED,
  'ci-standing deploy:1 ManageServicesInRegions: adds events:*': ALREADY_MANAGED,
  'ci-standing deploy:1 ManageServicesInRegions: adds sqs:*': ALREADY_MANAGED,
  'ci-standing deploy:1 ManageServicesInRegions: adds ssm:*': ALREADY_MANAGED,
  'ci-standing deploy:6 TerraformRefreshServicesInRegions: adds cloudwatch:*': ALREADY_MANAGED,
  'ci-standing deploy:6 TerraformRefreshServicesInRegions: adds events:*': ALREADY_MANAGED,
  'ci-standing deploy:6 TerraformRefreshServicesInRegions: adds sqs:*': ALREADY_MANAGED,
  'ci-standing deploy:6 TerraformRefreshServicesInRegions: adds ssm:*': ALREADY_MANAGED,
  'ci-standing deploy:7 TerraformRefreshKms: adds kms:*':
    'a documented limit: the deploy role may already change any key of its regions (ManageStorageInRegions, kms:PutKeyPolicy on key/*), and kms:Decrypt and kms:ScheduleKeyDeletion stay denied',
};

/**
 * Widenings the evaluator cannot tell apart. The attribute and principal-tag owner statements
 * require a non-empty instance tag (`StringLike ?*`) so that an empty instance tag never equals an
 * empty principal tag; the evaluator never matches a policy variable whose value is empty, so the
 * row "an empty tag never matches" holds with or without the guard. Listed so that a change of the
 * evaluator's behaviour shows here.
 */
const EVALUATOR_BLIND: Readonly<Record<string, string>> = {
  'ic-abac session StartSessionByAttributes: drops StringLike ssm:resourceTag/APP_ID': 'empty policy variables',
  'ic-abac session StartSessionByAttributes2: drops StringLike ssm:resourceTag/APP_ID': 'empty policy variables',
  'ic-abac session StartSessionOnInstancesCreatedByCaller: drops StringLike ssm:resourceTag/CreatedBy':
    'empty policy variables',
};

describe('widening a policy statement is noticed by an intent row', () => {
  it.each(targets)('%s', async (label, env) => {
    const unnoticed: string[] = [];
    const noticedThoughListed: string[] = [];
    for (const widening of widenings.get(label)!) {
      const key = wideningKey(widening);
      const result = await tryWidening(widening, rows, env);
      const listed = key in HARMLESS || key in EVALUATOR_BLIND;
      if (result.caughtBy && listed) noticedThoughListed.push(key);
      if (!result.caughtBy && !listed && harmlessByRule(widening) === undefined) unnoticed.push(key);
    }
    expect({ unnoticed, noticedThoughListed }).toEqual({ unnoticed: [], noticedThoughListed: [] });
  });

  it('lists only widenings that exist', () => {
    const all = new Set([...widenings.values()].flat().map(wideningKey));
    expect([...Object.keys(HARMLESS), ...Object.keys(EVALUATOR_BLIND)].filter((key) => !all.has(key))).toEqual([]);
  });
});

/** Three experiments, recorded: the widening, and a row that notices it with the decision it then gets. */
const EXPERIMENTS: [string, string, string, string][] = [
  [
    'saml-owner session StartSessionOnOwnInstances: drops StringEquals ssm:resourceTag/AwsUserId',
    "someone else's instance",
    'ssm:StartSession',
    'Allowed',
  ],
  ['ci-standing deploy:2 ManageS3: adds s3:*', 'no audit data lost: transcripts', 's3:DeleteObject', 'Allowed'],
  [
    'jit-both breakGlass EmergencyShellSessions: drops StringEquals aws:RequestedRegion',
    'outside the environment’s regions',
    'ssm:StartSession',
    'Allowed',
  ],
];

describe('recorded experiments', () => {
  it.each(EXPERIMENTS)('%s is noticed by "%s" (%s becomes %s)', async (key, promise, action, decision) => {
    const widening = [...widenings.values()].flat().find((w) => wideningKey(w) === key)!;
    expect(widening).toBeDefined();
    const changed = await rowsChangedBy(widening, rows, environments.get(widening.environment)!);
    expect(changed.map((c) => ({ promise: c.row.promise, action: c.row.action, decision: c.decision }))).toContainEqual(
      {
        promise,
        action,
        decision,
      },
    );
  });
});
