import type { RunAsGuard } from '../core/run-as-guard';
import type { EnvironmentConfig } from '../environment/load-environment';
import type { SessionAccessPolicyProps } from '../session-access-policy/session-access-policy';

/**
 * The standing session access of an environment: its account, regions, match rules and session
 * documents, and the keys sessions are encrypted with. The people's policy adds the just-in-time
 * settings to it; the break-glass role's policy is exactly this.
 */
export function standingSessionAccessProps(
  config: EnvironmentConfig,
  sessionKmsKeyArns: readonly string[],
): SessionAccessPolicyProps {
  const { ownerRule, attributeRule, principalTagOwnerRule } = config.access;
  return {
    accountId: config.accountId,
    regions: config.regions,
    environment: config.name,
    // The match rules only, not the rest of the `access` section (mode, session documents).
    rules: { ownerRule, attributeRule, principalTagOwnerRule },
    sshEnabled: config.access.sshEnabled,
    portForwardingEnabled: config.access.portForwardingEnabled,
    sessionKmsKeyArns,
    runAsGuard: runAsGuardOf(config),
  };
}

/**
 * The environment's run-as guard (its `runAs` section): the OS users the `SSMSessionRunAs` tag may
 * not name, for the SAML trust and every session policy, the break-glass role's included.
 */
export function runAsGuardOf(config: EnvironmentConfig): RunAsGuard {
  const { allowSharedDefaultUser, deniedUsers, allowedPattern } = config.runAs;
  return { allowSharedDefaultUser, deniedUsers, ...(allowedPattern === undefined ? {} : { allowedPattern }) };
}
