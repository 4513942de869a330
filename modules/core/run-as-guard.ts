import type { ConfigProblem } from './config-error';
import type { PolicyConditions, PolicyStatement } from './policy-document';
import { RUN_AS_TAG, SHARED_SESSION_USER } from './tag-names';

/**
 * The run-as guard: which OS users the `SSMSessionRunAs` tag may not name. Whatever the IdP sends
 * becomes the OS user of the session, so a mapping mistake or a profile attribute people edit
 * themselves must not yield `root`. IAM cannot match a tag against a regular expression; it can
 * refuse listed values ignoring case (`StringNotEqualsIgnoreCase`) and require a wildcard pattern
 * (`StringLike`), which is what the guard uses, on both sides:
 *
 * - the SAML trust refuses `sts:AssumeRoleWithSAML` and `sts:TagSession` with such a request tag
 *   ({@link runAsTrustConditions});
 * - the session policy denies `ssm:StartSession` to a principal whose tag is such a value
 *   ({@link runAsSessionDeny}), which also covers IAM Identity Center, whose roles' trust policies
 *   belong to AWS.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-run-as.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export interface RunAsGuard {
  /**
   * Let the tag name the shared `ssm-user`, which run-as exists to avoid.
   *
   * @default false
   */
  readonly allowSharedDefaultUser?: boolean;
  /**
   * Further OS users the tag may not name (compared ignoring case), besides `root` and `ssm-user`,
   * which are always refused (`ssm-user` unless `allowSharedDefaultUser`). This list replaces the
   * default. It bounds what the IdP sends, not the preferences' default user: a session without the
   * tag (an IAM principal's) still runs as `runAsDefaultUser`.
   *
   * @default DEFAULT_DENIED_RUN_AS_USERS: the default administrator accounts of common cloud images
   */
  readonly deniedUsers?: readonly string[];
  /**
   * An IAM `StringLike` pattern every tag value must match (`*` any run of characters, `?` one
   * character; not a regular expression), e.g. `u-*` when people's OS users share a prefix.
   *
   * @default - no pattern: any value but the refused ones
   */
  readonly allowedPattern?: string;
}

/** The superuser, refused whatever the guard says. */
export const SUPERUSER = 'root';

/**
 * The default {@link RunAsGuard.deniedUsers}: the accounts cloud images create for their
 * administrator, with passwordless sudo (Amazon Linux, RHEL, SUSE and FreeBSD `ec2-user`, Ubuntu
 * `ubuntu`, Debian `admin`, CentOS `centos`, Fedora `fedora`, Rocky `rocky`, Oracle `opc`,
 * OpenStack images `cloud-user`, Bitnami `bitnami`), and Windows' `administrator`. A person's
 * session running as one of them is a superuser session under a shared name.
 */
export const DEFAULT_DENIED_RUN_AS_USERS: readonly string[] = [
  'admin',
  'administrator',
  'bitnami',
  'centos',
  'cloud-user',
  'debian',
  'ec2-user',
  'fedora',
  'opc',
  'rocky',
  'ubuntu',
];

/** The statement ids of {@link runAsSessionDeny}. */
export const RUN_AS_GUARD_SIDS = {
  refusedUsers: 'DenySessionsAsRefusedRunAsUsers',
  pattern: 'DenySessionsOutsideRunAsPattern',
} as const;

/** The OS users the tag may not name, lower-case, each once: `root`, then `ssm-user` (unless allowed), then the denied list. */
export function refusedRunAsUsers(guard: RunAsGuard = {}): string[] {
  const users = [
    SUPERUSER,
    ...(guard.allowSharedDefaultUser ? [] : [SHARED_SESSION_USER]),
    ...(guard.deniedUsers ?? DEFAULT_DENIED_RUN_AS_USERS),
  ].map((user) => user.toLowerCase());
  return [...new Set(users)];
}

/**
 * The conditions a trust policy's `sts:AssumeRoleWithSAML` and `sts:TagSession` statement needs so
 * that no sign-in sets a refused `SSMSessionRunAs` request tag. Merge them into the statement's
 * other conditions with `mergeConditions`.
 *
 * @param required - Whether every sign-in must carry the tag (run-as on). Without it, a sign-in
 *   without the tag still passes, and the pattern applies only when the tag is sent.
 */
export function runAsTrustConditions(guard: RunAsGuard, required: boolean): PolicyConditions {
  const key = `aws:RequestTag/${RUN_AS_TAG}`;
  const pattern = guard.allowedPattern;
  // A pattern never matches the empty string (runAsGuardProblems), so it requires a value as '?*' does.
  const like: PolicyConditions = required
    ? { StringLike: { [key]: pattern ?? '?*' } }
    : pattern === undefined
      ? {}
      : { StringLikeIfExists: { [key]: pattern } };
  // A negated operator is true when the key is absent: a sign-in without the tag is left to `like`.
  return { ...like, StringNotEqualsIgnoreCase: { [key]: refusedRunAsUsers(guard) } };
}

/**
 * Deny statements for an identity policy: no `ssm:StartSession` for a principal whose
 * `SSMSessionRunAs` tag names a refused user (ignoring case) or misses the pattern. A principal
 * without the tag is not denied: its sessions run as the preferences' default user.
 */
export function runAsSessionDeny(guard: RunAsGuard): PolicyStatement[] {
  const key = `aws:PrincipalTag/${RUN_AS_TAG}`;
  // "*": a Deny is safer wide, and StartSession is authorized on the node and on the document.
  const statements: PolicyStatement[] = [
    {
      Sid: RUN_AS_GUARD_SIDS.refusedUsers,
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: '*',
      Condition: { StringEqualsIgnoreCase: { [key]: refusedRunAsUsers(guard) } },
    },
  ];
  if (guard.allowedPattern !== undefined) {
    statements.push({
      Sid: RUN_AS_GUARD_SIDS.pattern,
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: '*',
      // StringNotLike is true for an absent key: Null keeps untagged principals out of this Deny.
      Condition: { StringNotLike: { [key]: guard.allowedPattern }, Null: { [key]: 'false' } },
    });
  }
  return statements;
}

/** A user name the denied list takes: the characters of Linux and Windows user names that IAM tag values allow. */
export const RUN_AS_USER_RULE = {
  test: (v: string) => /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/.test(v),
  message:
    'must be an OS user name (1-64 characters: letters, digits and _.@-, not starting with . @ or -). Fix the name',
} as const;

/** The allowed pattern: a `StringLike` pattern of user name characters that cannot match the empty string. */
export const RUN_AS_PATTERN_RULE = {
  test: (v: string) => /^[A-Za-z0-9_.@*?-]{1,64}$/.test(v) && /[^*]/.test(v),
  message:
    'must be an IAM StringLike pattern of 1-64 characters: letters, digits, _.@- and the wildcards * and ?, with at least one character that is not * (so it never matches an empty tag). It is not a regular expression: write u-* rather than ^u-.*$',
} as const;

/** Problems of a guard given to a construct, under `path` (e.g. `runAsGuard`). */
export function runAsGuardProblems(file: string, path: string, guard: RunAsGuard | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  (guard?.deniedUsers ?? []).forEach((user, i) => {
    if (!RUN_AS_USER_RULE.test(user)) {
      problems.push({ file, path: `${path}.deniedUsers.${i}`, value: user, message: RUN_AS_USER_RULE.message });
    }
  });
  const pattern = guard?.allowedPattern;
  if (pattern !== undefined && !RUN_AS_PATTERN_RULE.test(pattern)) {
    problems.push({ file, path: `${path}.allowedPattern`, value: pattern, message: RUN_AS_PATTERN_RULE.message });
  }
  return problems;
}
