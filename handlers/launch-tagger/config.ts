import * as z from 'zod/mini';
import { ConfigurationError } from './errors';

/** What the function is told by its deployment (environment variables set by modules/launch-tagger). */
export interface TaggerConfig {
  /** SAML: name of the federated role whose sessions launch instances themselves (caller mode). */
  readonly federatedRoleName?: string;
  /** SAML: unique id (`AROA...`) of that role, the first half of every owner value. */
  readonly federatedRoleUniqueId?: string;
  /**
   * Identity Center: the permission set whose `AWSReservedSSO_<name>_<suffix>` role people launch
   * with (caller mode). Its unique id is looked up at run time for tag mode.
   */
  readonly permissionSetName?: string;
  /** Roles that launch instances on a person's behalf and write the `CreatedBy` tag (tag mode). */
  readonly launcherRoleNames: ReadonlySet<string>;
  /** SDK attempts per EC2 (and IAM) call, the first one included. */
  readonly ec2MaxAttempts: number;
  /** SDK retry mode: adaptive also slows the client's send rate after throttling. */
  readonly ec2RetryMode: 'adaptive' | 'standard';
}

const roleName = z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'));

const environmentSchema = z.object({
  FEDERATED_ROLE_NAME: z.optional(roleName),
  // Role unique ids start with AROA; the rest is upper-case letters and digits.
  FEDERATED_ROLE_UNIQUE_ID: z.optional(
    z.string().check(z.regex(/^AROA[A-Z0-9]{8,124}$/, 'must be an IAM role unique id (AROA...)')),
  ),
  PERMISSION_SET_NAME: z.optional(
    z.string().check(z.regex(/^[\w+=,.@-]{1,32}$/, 'must be an Identity Center permission set name')),
  ),
  LAUNCHER_ROLE_NAMES: z.pipe(
    z.pipe(
      z._default(z.string(), ''),
      z.transform((text: string) =>
        text
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
      ),
    ),
    z.array(roleName),
  ),
  EC2_MAX_ATTEMPTS: z._default(
    z.coerce.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(1), z.lte(20)),
    8,
  ),
  // The SDK's own setting; the deployed function leaves it unset (adaptive). The benchmark compares.
  AWS_RETRY_MODE: z._default(z.enum(['adaptive', 'standard']), 'adaptive'),
});

/** Which identity source the deployment names: SAML (role name and id) or Identity Center (permission set). */
function identityIssues(env: Readonly<Record<string, string | undefined>>): string[] {
  const saml = env.FEDERATED_ROLE_NAME !== undefined || env.FEDERATED_ROLE_UNIQUE_ID !== undefined;
  const identityCenter = env.PERMISSION_SET_NAME !== undefined;
  if (saml && identityCenter) {
    return ['PERMISSION_SET_NAME: must not be set together with FEDERATED_ROLE_NAME (one identity source)'];
  }
  if (identityCenter) return [];
  return (['FEDERATED_ROLE_NAME', 'FEDERATED_ROLE_UNIQUE_ID'] as const)
    .filter((name) => env[name] === undefined)
    .map((name) => `${name}: is required (or PERMISSION_SET_NAME for Identity Center)`);
}

/** Reads and checks the environment once, at cold start; a bad deployment fails loudly. */
export function readConfig(env: Readonly<Record<string, string | undefined>>): TaggerConfig {
  const parsed = environmentSchema.safeParse(env);
  const issues = [
    ...identityIssues(env),
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
  ];
  if (!parsed.success || issues.length > 0) throw new ConfigurationError(issues);
  const value = parsed.data;
  return {
    ...(value.PERMISSION_SET_NAME === undefined
      ? { federatedRoleName: value.FEDERATED_ROLE_NAME, federatedRoleUniqueId: value.FEDERATED_ROLE_UNIQUE_ID }
      : { permissionSetName: value.PERMISSION_SET_NAME }),
    launcherRoleNames: new Set(value.LAUNCHER_ROLE_NAMES),
    ec2MaxAttempts: value.EC2_MAX_ATTEMPTS,
    ec2RetryMode: value.AWS_RETRY_MODE,
  };
}
