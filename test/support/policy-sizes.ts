import { App, TerraformStack } from 'cdktf';
import type { EnvironmentInput } from '../../modules/environment/environment-schema';
import { POLICY_QUOTAS, type PolicyUnderCheck, policiesInScope, quotaSize } from '../../modules/core/policy-lint';
import { SsmFederatedAccess } from '../../modules/ssm-federated-access/ssm-federated-access';
import { validationProblems } from '../../modules/core/validation';

/** One policy of a stack with its size, as a share of its quota. */
export interface PolicySize {
  readonly where: string;
  readonly quota: string;
  readonly size: number;
  readonly maxChars: number;
  readonly share: number;
}

/** Builds one environment in a stack of its own (no synth, no validation). */
export function buildEnvironment(environment: EnvironmentInput, rootDir = process.cwd()): SsmFederatedAccess {
  const app = new App({ outdir: '/tmp/unused', skipValidation: true });
  const stack = new TerraformStack(app, environment.name);
  return new SsmFederatedAccess(stack, 'Default', { environment, rootDir });
}

/** Every policy the construct renders, quota groups summed (a role's inline policies), largest share first. */
export function policySizes(access: SsmFederatedAccess): PolicySize[] {
  const policies: PolicyUnderCheck[] = [...policiesInScope(access), ...(access.ci?.policiesToCheck() ?? [])];
  if (access.sessionAccess) {
    policies.push({
      where: `${access.sessionAccess.node.path}/ownership_tag_scp`,
      attribute: 'ownership_tag_scp',
      kind: 'service-control',
      document: access.sessionAccess.scpDocument,
      quota: POLICY_QUOTAS.serviceControlPolicy,
    });
  }
  const groups = new Map<string, PolicySize>();
  for (const p of policies) {
    if (!p.quota) continue;
    const key = p.quotaGroup ?? `${p.where}:${p.attribute}`;
    const previous = groups.get(key);
    const size = (previous?.size ?? 0) + quotaSize(p.document);
    groups.set(key, {
      where: previous
        ? `${previous.where} + ${p.where}`
        : `${p.where}${p.attribute === 'policy' ? '' : `:${p.attribute}`}`,
      quota: p.quota.name,
      size,
      maxChars: p.quota.maxChars,
      share: size / p.quota.maxChars,
    });
  }
  return [...groups.values()].sort((a, b) => b.share - a.share);
}

/** The problems the synth would report for the environment. */
export function environmentProblems(access: SsmFederatedAccess): string[] {
  return validationProblems(access);
}
