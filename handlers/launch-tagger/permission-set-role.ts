import { type IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { PermissionSetNotProvisionedError } from './errors';

/** Just what the lookup needs from an IAM client, so tests can pass a mocked or a real one. */
export type Iam = Pick<IAMClient, 'send'>;

/**
 * Identity Center creates a permission set's role under this path, or under `<path><region>/`
 * for instances whose roles carry their home region.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html
 */
export const IDENTITY_CENTER_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';

/** The role Identity Center provisions for a permission set: `AWSReservedSSO_<name>_<16 hex digits>`. */
export function permissionSetRoleNamePattern(permissionSetName: string): RegExp {
  // Permission set names may hold `.`, `+` and `_`: escape them, and pin the suffix so that the set
  // `Shell` does not match `AWSReservedSSO_Shell_Admin_<suffix>`.
  const escaped = permissionSetName.replace(/[.+]/g, '\\$&');
  return new RegExp(`^AWSReservedSSO_${escaped}_[0-9a-f]{16}$`);
}

/**
 * Whether a role ARN is the permission set's role in `accountId`: the reserved path (with or
 * without a region segment) and the permission set's name.
 */
export function isPermissionSetRoleArn(arn: string, permissionSetName: string, accountId: string): boolean {
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/aws-reserved\/sso\.amazonaws\.com\/(?:[a-z0-9-]+\/)?([^/]+)$/.exec(
    arn,
  );
  return match !== null && match[1] === accountId && permissionSetRoleNamePattern(permissionSetName).test(match[2]);
}

export interface PermissionSetRole {
  readonly roleName: string;
  /** The role's unique id (`AROA...`): the first half of its sessions' `aws:userid`. */
  readonly roleId: string;
  /** IAM calls made (0 when it came from the cache). */
  readonly calls: number;
}

/**
 * Finds the permission set's role with `ListRoles` under the reserved path (read-only, a page of
 * up to 1,000 roles per call). Throws PermissionSetNotProvisionedError when there is none.
 */
export async function lookUpPermissionSetRole(iam: Iam, permissionSetName: string): Promise<PermissionSetRole> {
  const pattern = permissionSetRoleNamePattern(permissionSetName);
  let marker: string | undefined;
  let calls = 0;
  do {
    const page = await iam.send(
      new ListRolesCommand({
        PathPrefix: IDENTITY_CENTER_ROLE_PATH,
        MaxItems: 1000,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    calls++;
    const role = (page.Roles ?? []).find((r) => r.RoleName !== undefined && pattern.test(r.RoleName));
    if (role?.RoleName && role.RoleId) return { roleName: role.RoleName, roleId: role.RoleId, calls };
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  throw new PermissionSetNotProvisionedError(permissionSetName, IDENTITY_CENTER_ROLE_PATH);
}

/**
 * Caches the role for the life of the execution environment: a role's unique id never changes
 * while the role exists. Callers at the same time share one lookup. Only a found role is kept;
 * "not provisioned yet" (or any failure) is asked again next time.
 */
export function cachedPermissionSetRole(lookUp: () => Promise<PermissionSetRole>): () => Promise<PermissionSetRole> {
  let pending: Promise<PermissionSetRole> | undefined;
  return async () => {
    if (pending) return { ...(await pending), calls: 0 };
    pending = lookUp();
    try {
      return await pending;
    } catch (error) {
      pending = undefined;
      throw error;
    }
  };
}
