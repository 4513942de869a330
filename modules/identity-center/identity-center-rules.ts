import type { Rule } from '../core/rules';

/** Identity Center's user name attribute: what `RUN_AS_TAG` maps from unless told otherwise. */
export const DEFAULT_RUN_AS_SOURCE = '${path:userName}';

/** Identity Center value rules, shared by the environment schema and the construct. */
export const identityCenterRules = {
  instanceArn: {
    test: (v: string) => /^arn:aws:sso:::instance\/(sso)?ins-[a-zA-Z0-9.-]{16}$/.test(v),
    message:
      'must be an IAM Identity Center instance ARN such as "arn:aws:sso:::instance/ssoins-0123456789abcdef". Copy it from the Identity Center settings page',
  },
  permissionSetName: {
    test: (v: string) => /^[\w+=,.@-]{1,32}$/.test(v),
    message:
      'must be a permission set name (1-32 characters: letters, digits and +=,.@_-). Shorten it or remove the other characters',
  },
  attributeKey: {
    test: (v: string) => /^[\w.:/=+@ -]{1,128}$/.test(v),
    message: 'must be an access control attribute key (1-128 characters: letters, digits, spaces and _.:/=+-@)',
  },
  attributeSource: {
    test: (v: string) => /^\$\{path:[^{}$]+\}$/.test(v),
    message:
      'must be an Identity Center attribute path such as "${path:userName}" or "${path:enterprise.department}". Fix the path',
  },
  principalId: {
    test: (v: string) => /^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v),
    message: 'must be an identity store user or group id. Copy it from the Identity Center Users or Groups page',
  },
} satisfies Record<string, Rule<string>>;
