import { PROTECTED_TYPES } from '../../modules/core/resource-types';
import { type ResourceChange, isDestroy, isReplace } from './terraform-plan';

/** Resources whose loss loses audit data or locks people out (the registry's, modules/core/resource-types.ts). */
const PROTECTED = PROTECTED_TYPES;

export interface Danger {
  readonly address: string;
  readonly what: 'destroyed' | 'replaced';
  readonly description: string;
  readonly reason?: string;
}

function isFederatedRole(rc: ResourceChange): boolean {
  const trust = rc.change.before?.assume_role_policy ?? rc.change.after?.assume_role_policy;
  return rc.type === 'aws_iam_role' && typeof trust === 'string' && /sts:AssumeRoleWith(SAML|WebIdentity)/.test(trust);
}

export function dangers(changes: readonly ResourceChange[]): Danger[] {
  const found: Danger[] = [];
  for (const rc of changes) {
    const what = isReplace(rc) ? 'replaced' : isDestroy(rc) ? 'destroyed' : undefined;
    if (!what) continue;
    const description =
      PROTECTED[rc.type] ?? (isFederatedRole(rc) ? 'federated role (every session through it ends)' : undefined);
    if (description)
      found.push({ address: rc.address, what, description, ...(rc.action_reason ? { reason: rc.action_reason } : {}) });
  }
  return found;
}
