import * as z from 'zod/mini';
import { ConfigurationError } from './errors';

/** What the function is told by its deployment (environment variables set by modules/launch-tagger). */
export interface TaggerConfig {
  /** Name of the federated role whose sessions launch instances themselves (caller mode). */
  readonly federatedRoleName: string;
  /** Unique id (`AROA...`) of that role: the first half of every owner value. */
  readonly federatedRoleUniqueId: string;
  /** Roles that launch instances on a person's behalf and write the `CreatedBy` tag (tag mode). */
  readonly launcherRoleNames: ReadonlySet<string>;
  /** SDK attempts per EC2 call, the first one included. */
  readonly ec2MaxAttempts: number;
  /** SDK retry mode: adaptive also slows the client's send rate after throttling. */
  readonly ec2RetryMode: 'adaptive' | 'standard';
}

const roleName = z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'));

const environmentSchema = z.object({
  FEDERATED_ROLE_NAME: roleName,
  // Role unique ids start with AROA; the rest is upper-case letters and digits.
  FEDERATED_ROLE_UNIQUE_ID: z
    .string()
    .check(z.regex(/^AROA[A-Z0-9]{8,124}$/, 'must be an IAM role unique id (AROA...)')),
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

/** Reads and checks the environment once, at cold start; a bad deployment fails loudly. */
export function readConfig(env: Readonly<Record<string, string | undefined>>): TaggerConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const value = parsed.data;
  return {
    federatedRoleName: value.FEDERATED_ROLE_NAME,
    federatedRoleUniqueId: value.FEDERATED_ROLE_UNIQUE_ID,
    launcherRoleNames: new Set(value.LAUNCHER_ROLE_NAMES),
    ec2MaxAttempts: value.EC2_MAX_ATTEMPTS,
    ec2RetryMode: value.AWS_RETRY_MODE,
  };
}
