import {
  type IntentEnvironment,
  type IntentRow,
  instanceArn,
  person,
  roleSession,
  rowsOf,
  userIdOf,
} from '../../support/intent';
import { IC_ABAC, JIT_BOTH, SAML_OWNER } from '../../support/intent-environments';

/**
 * The ownership tag (DESIGN.md, "An explicit Deny on creating, changing or deleting the ownership
 * tag"; the access rules guide, "The ownership tag SCP"; the launch tagger): nobody but the launch
 * tagger sets, changes or deletes `AwsUserId`, at launch or afterwards, in any letter case; people's
 * own policy also protects the attribute and `CreatedBy` tags the rules read, and in just-in-time
 * mode the tag approvals depend on; the tagger may tag only instances, only with that one key. The
 * Denies are narrow: other tags stay as free as the rest of a principal's policies make them.
 */
export const OWNERSHIP_ENVIRONMENTS = [SAML_OWNER, IC_ABAC, JIT_BOTH];

const tagging = (keys: string[], requestTags: Record<string, string> = {}) => ({
  context: {
    'aws:TagKeys': keys,
    ...Object.fromEntries(Object.entries(requestTags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
  },
});

/** People, whose other policies may let them manage EC2: the session policy's Denies still hold. */
function peopleRows(env: IntentEnvironment, protectedKeys: readonly string[]): IntentRow[] {
  const withEc2 = rowsOf(env, { identity: ['session', 'otherPolicyAllowsEc2'] });
  const alone = rowsOf(env, { identity: ['session'] });
  const alice = person(env, 'alice', { SSMSessionRunAs: 'alice' });
  const own = { AwsUserId: userIdOf(env, 'alice') };
  const rows: IntentRow[] = [];
  for (const key of protectedKeys) {
    rows.push(
      withEc2(`people never write ${key}`, alice, 'ec2:CreateTags', instanceArn(env), 'ExplicitlyDenied', {
        resourceTags: own,
        ...tagging([key], { [key]: 'x' }),
      }),
      withEc2(`people never delete ${key}`, alice, 'ec2:DeleteTags', instanceArn(env), 'ExplicitlyDenied', {
        resourceTags: { [key]: 'x' },
        ...tagging([key]),
      }),
      withEc2(`people never launch with ${key}`, alice, 'ec2:RunInstances', instanceArn(env), 'ExplicitlyDenied', {
        ...tagging([key], { [key]: 'x' }),
      }),
    );
  }
  rows.push(
    withEc2('the Deny ignores letter case', alice, 'ec2:CreateTags', instanceArn(env), 'ExplicitlyDenied', {
      ...tagging(['awsuserid'], { awsuserid: userIdOf(env, 'alice') }),
    }),
    withEc2('the ownership tag among others', alice, 'ec2:CreateTags', instanceArn(env), 'ExplicitlyDenied', {
      ...tagging(['Name', 'AwsUserId'], { Name: 'web', AwsUserId: userIdOf(env, 'alice') }),
    }),
    withEc2('deleting every tag at once', alice, 'ec2:DeleteTags', instanceArn(env), 'ExplicitlyDenied', {
      resourceTags: own,
    }),
    withEc2('other tags stay free', alice, 'ec2:CreateTags', instanceArn(env), 'Allowed', {
      ...tagging(['Name'], { Name: 'web' }),
    }),
    withEc2('a launch without the ownership tag stays free', alice, 'ec2:RunInstances', instanceArn(env), 'Allowed', {
      ...tagging(['Name'], { Name: 'web' }),
    }),
    alone('the people’s policy grants no tagging', alice, 'ec2:CreateTags', instanceArn(env), 'ImplicitlyDenied', {
      ...tagging(['Name'], { Name: 'web' }),
    }),
  );
  return rows;
}

/** The organization SCP: any principal of the account but the launch tagger's roles. */
function scpRows(env: IntentEnvironment): IntentRow[] {
  const row = rowsOf(env, { identity: ['attachedLater'], scp: 'scp' });
  const admin = roleSession(env, 'Administrator', 'admin');
  const tagger = (region: string) => rowsOf(env, { identity: [`tagger:${region}`], scp: 'scp' });
  const [primary] = env.regions as [string];
  const taggerRole = roleSession(env, `${env.name}-launch-tagger-${primary}`, 'launch-tagger');
  const alicesId = userIdOf(env, 'alice');
  return [
    row(
      'an administrator cannot write the ownership tag',
      admin,
      'ec2:CreateTags',
      instanceArn(env),
      'ExplicitlyDenied',
      {
        ...tagging(['AwsUserId'], { AwsUserId: alicesId }),
      },
    ),
    row('an administrator cannot delete it', admin, 'ec2:DeleteTags', instanceArn(env), 'ExplicitlyDenied', {
      resourceTags: { AwsUserId: alicesId },
      ...tagging(['AwsUserId']),
    }),
    row('an administrator cannot launch with it', admin, 'ec2:RunInstances', instanceArn(env), 'ExplicitlyDenied', {
      ...tagging(['AwsUserId'], { AwsUserId: alicesId }),
    }),
    row('nor delete every tag at once', admin, 'ec2:DeleteTags', instanceArn(env), 'ExplicitlyDenied', {
      resourceTags: { AwsUserId: alicesId },
    }),
    row('the SCP leaves other tags alone', admin, 'ec2:CreateTags', instanceArn(env), 'Allowed', {
      ...tagging(['Name'], { Name: 'web' }),
    }),
    tagger(primary)(
      'the launch tagger writes the launcher’s aws:userid',
      taggerRole,
      'ec2:CreateTags',
      instanceArn(env, primary),
      'Allowed',
      tagging(['AwsUserId'], { AwsUserId: alicesId }),
    ),
    tagger(primary)(
      'the launch tagger writes only that one key',
      taggerRole,
      'ec2:CreateTags',
      instanceArn(env, primary),
      'ImplicitlyDenied',
      tagging(['AwsUserId', 'Name'], { AwsUserId: alicesId, Name: 'web' }),
    ),
    tagger(primary)(
      'the launch tagger writes no other key',
      taggerRole,
      'ec2:CreateTags',
      instanceArn(env, primary),
      'ImplicitlyDenied',
      tagging(['Name'], { Name: 'web' }),
    ),
    tagger(primary)(
      'the launch tagger tags only instances',
      taggerRole,
      'ec2:CreateTags',
      `arn:aws:ec2:${primary}:${env.account}:volume/vol-0123456789abcdef0`,
      'ImplicitlyDenied',
      tagging(['AwsUserId'], { AwsUserId: alicesId }),
    ),
    tagger(primary)(
      'the launch tagger sets the tag, never deletes it',
      taggerRole,
      'ec2:DeleteTags',
      instanceArn(env, primary),
      'ImplicitlyDenied',
      { resourceTags: { AwsUserId: alicesId }, ...tagging(['AwsUserId']) },
    ),
  ];
}

/**
 * A role that only looks like the launch tagger's: nobody but the tagger sets `AwsUserId`. Kept
 * apart because the SCP exempts every role named `<environment>-launch-tagger-*` (see the test).
 */
export function lookalikeTaggerRow(env: IntentEnvironment): IntentRow {
  return rowsOf(env, { identity: ['attachedLater'], scp: 'scp' })(
    'a role named like the launch tagger’s is not the launch tagger',
    roleSession(env, `${env.name}-launch-tagger-backdoor`, 'someone'),
    'ec2:CreateTags',
    instanceArn(env),
    'ExplicitlyDenied',
    tagging(['AwsUserId'], { AwsUserId: userIdOf(env, 'alice') }),
  );
}

/** Every row of the ownership-tag table. */
export function ownershipRows(environments: ReadonlyMap<string, IntentEnvironment>): IntentRow[] {
  const saml = environments.get(SAML_OWNER.input.name)!;
  const ic = environments.get(IC_ABAC.input.name)!;
  const jit = environments.get(JIT_BOTH.input.name)!;
  return [
    ...peopleRows(saml, ['AwsUserId']),
    ...scpRows(saml),
    // The attribute rule's and the principal-tag owner rule's instance tags.
    ...peopleRows(ic, ['AwsUserId', 'APP_ID', 'CreatedBy']),
    // Just-in-time: the tag that keeps an instance out of auto-approval.
    ...peopleRows(jit, ['Restricted']),
  ];
}
