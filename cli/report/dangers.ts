import { type ResourceChange, isDestroy, isReplace } from './terraform-plan';

/** Resources whose loss loses audit data or locks people out; destroying or replacing one is said loudly. */
const PROTECTED: Readonly<Record<string, string>> = {
  aws_s3_bucket: 'bucket (session transcripts or their access logs)',
  aws_cloudwatch_log_group: 'log group (session or function logs)',
  aws_kms_key: 'KMS key (deleting it makes every transcript it encrypted unreadable)',
  aws_iam_saml_provider: 'SAML provider (federated sign-in stops)',
  aws_ssoadmin_permission_set: 'Identity Center permission set (access through it stops)',
  aws_ssm_document: 'Session Manager preferences document',
};

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
