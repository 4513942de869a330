import { runAsGuardOf } from './session-access-props';
import type { TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environment/load-environment';
import type { AwsRegion } from '../core/rules';
import type { SessionAccessPolicyProps } from '../session-access-policy/session-access-policy';
import { auditLogNames } from '../session-audit-logs/names';
import { DENY_ACCESS_POLICY_NAME } from '../just-in-time/approval-documents';
import { BreakGlassRole } from '../just-in-time/break-glass-role';
import {
  breakGlassAlarmRegionsOf,
  defaultBreakGlassTrust,
  trailLogGroupRegionOf,
} from '../just-in-time/break-glass-regions';
import type { AutoApprovalRules } from '../just-in-time/cedar';
import { JustInTimeApprovalPolicies } from '../just-in-time/just-in-time-approval-policies';
import { output } from './outputs';

/** What {@link addJustInTimeAccess} needs from the environment construct. */
export interface JustInTimeContext {
  /** Every region of the environment with its provider, the primary first (IAM goes through it). */
  readonly regions: readonly { readonly region: AwsRegion; readonly provider: TerraformProvider }[];
  /**
   * The provider of each further region the break-glass alarms watch (`breakGlassAlarmRegionsOf`),
   * where nothing else of the environment is.
   */
  readonly alarmOnlyProviders?: Partial<Readonly<Record<AwsRegion, TerraformProvider>>>;
  /** The environment's SAML provider, which the break-glass role trusts (SAML environments). */
  readonly samlProviderArn?: string;
  /** Permissions boundary every role of the stack carries (environments with CI). */
  readonly permissionsBoundaryArn?: string;
}

/** What an environment's just-in-time access is made of (`SsmFederatedAccess.justInTime`). */
export interface JustInTimeAccess {
  /**
   * Props for the environment's `SessionAccessPolicy`: just-in-time mode, the manual approval
   * documents, the approval tags. In standing mode with `justInTime` set (the step before the
   * move), the requester statements beside direct sessions.
   */
  readonly sessionAccessProps: Pick<
    SessionAccessPolicyProps,
    | 'accessMode'
    | 'justInTimeRequestsEnabled'
    | 'manualApprovalDocumentNames'
    | 'approvalTagKeys'
    | 'identityStoreReadsEnabled'
  >;
  /** The approval policies, per region (in `regions` order). */
  readonly approvals: readonly JustInTimeApprovalPolicies[];
  /** The break-glass role, when `justInTime.breakGlass.enabled`. */
  readonly breakGlass?: BreakGlassRole;
}

/** The auto-approved rules of an environment, from its `access` and `justInTime.autoApproval` sections. */
export function autoApprovalRulesOf(config: EnvironmentConfig): AutoApprovalRules {
  const auto = config.justInTime!.autoApproval;
  return {
    ...(auto.attributeRule && config.access.attributeRule ? { attributeRule: config.access.attributeRule } : {}),
    ...(auto.principalTagOwnerRule && config.access.principalTagOwnerRule
      ? { principalTagOwnerRule: config.access.principalTagOwnerRule }
      : {}),
    ...(auto.exceptWhenTagged ? { exceptWhenTagged: auto.exceptWhenTagged } : {}),
  };
}

/** Instance tags that decide approvals: the restricted-instance exclusion, deny-access and manual targets. */
export function approvalTagKeysOf(config: EnvironmentConfig): string[] {
  const jit = config.justInTime!;
  return [
    ...new Set([
      ...(jit.autoApproval.exceptWhenTagged ? [jit.autoApproval.exceptWhenTagged.key] : []),
      ...jit.denyAccess.map((d) => d.tagKey),
      ...jit.manualApprovals.flatMap((m) => (m.targets === 'all' ? [] : m.targets.map((t) => t.tagKey))),
    ]),
  ];
}

/**
 * Just-in-time node access for one environment (`config.justInTime` set): the approval policies
 * in every region, the break-glass role with its alarms, and the outputs, among them the
 * organization's deny-access document for the delegated administrator account. Spread
 * `sessionAccessProps` into the environment's `SessionAccessPolicy`.
 *
 * Enablement itself (Quick Setup `AWSQuickSetupType-JITNA`) is organization-level and lives in the
 * delegated administrator account; see docs/guides/just-in-time.md.
 */
export function addJustInTimeAccess(
  scope: Construct,
  config: EnvironmentConfig,
  context: JustInTimeContext,
): JustInTimeAccess {
  const jit = config.justInTime!;
  const justInTime = config.access.mode === 'just-in-time';
  const autoApproval = autoApprovalRulesOf(config);
  const approvals = context.regions.map(
    ({ region, provider }) =>
      new JustInTimeApprovalPolicies(scope, `just-in-time-approvals-${region}`, {
        provider,
        region,
        environmentName: config.name,
        autoApproval,
        manualApprovals: jit.manualApprovals,
        denyAccess: jit.denyAccess,
      }),
  );
  const first = approvals[0]!;
  if (first.denyAccessDocumentJson !== '') {
    output(
      scope,
      'just_in_time_deny_access_document',
      first.denyAccessDocumentJson,
      `Content of the organization's deny-access policy (${DENY_ACCESS_POLICY_NAME}, type AutoApprovalPolicy): create it from the delegated administrator account`,
    );
  }
  output(
    scope,
    'just_in_time_manual_approval_documents',
    first.manualApprovalDocumentNames,
    'Manual approval policies of just-in-time node access, in every region of the environment',
  );

  const breakGlass = jit.breakGlass.enabled ? addBreakGlass(scope, config, context) : undefined;

  return {
    sessionAccessProps: {
      accessMode: justInTime ? 'just-in-time' : 'standing',
      justInTimeRequestsEnabled: !justInTime,
      manualApprovalDocumentNames: first.manualApprovalDocumentNames,
      approvalTagKeys: approvalTagKeysOf(config),
      identityStoreReadsEnabled: config.identity.type === 'identity-center',
    },
    approvals,
    ...(breakGlass ? { breakGlass } : {}),
  };
}

/**
 * The break-glass role, trusted as `breakGlass.trust` says, and its alarms: in every region of the
 * environment (sign-ins and session starts), and in us-east-1 and the further sign-in regions
 * (sign-ins only), or on the trail's log group.
 */
function addBreakGlass(scope: Construct, config: EnvironmentConfig, context: JustInTimeContext): BreakGlassRole {
  const settings = config.justInTime!.breakGlass;
  const identity = config.identity;
  const trust = settings.trust ?? defaultBreakGlassTrust(identity.type, settings.trustedPrincipalArns.length);
  const [primary] = context.regions;
  const breakGlass = new BreakGlassRole(scope, 'break-glass', {
    provider: primary!.provider,
    accountId: config.accountId,
    regions: config.regions,
    roleName: settings.roleName ?? `${config.name}-break-glass`,
    ...(trust !== 'iam' && context.samlProviderArn !== undefined ? { samlProviderArn: context.samlProviderArn } : {}),
    trustedPrincipalArns: trust === 'saml' ? [] : settings.trustedPrincipalArns,
    requireRunAsTag: config.runAs.enabled,
    runAsGuard: runAsGuardOf(config),
    ...(identity.type === 'saml' ? { sourceIdentity: identity.sourceIdentity } : {}),
    // SessionAuditLogs gives every region's session key this alias.
    sessionKmsKeyAliasName: auditLogNames(config.name, config.accountId, config.regions[0]!).keyAlias,
    ...(context.permissionsBoundaryArn === undefined ? {} : { permissionsBoundaryArn: context.permissionsBoundaryArn }),
  });
  const trailRegion = trailLogGroupRegionOf(config);
  const providers = new Map<AwsRegion, TerraformProvider>(context.regions.map((r) => [r.region, r.provider]));
  for (const region of breakGlassAlarmRegionsOf(config)) {
    const provider = providers.get(region) ?? context.alarmOnlyProviders?.[region];
    if (provider === undefined) throw new Error(`no provider for the break-glass alarm region ${region}`);
    const environmentRegion = config.regions.includes(region);
    const topicArn = settings.alarmTopicArns[region];
    breakGlass.alarmIn(`break-glass-alarm-${region}`, {
      provider,
      region,
      namePrefix: config.name,
      signInRulesEnabled: trailRegion === undefined,
      sessionRuleEnabled: environmentRegion,
      ...(region === trailRegion ? { cloudTrailLogGroupName: settings.cloudTrailLogGroupName! } : {}),
      ...(topicArn === undefined ? {} : { topicArn }),
      ...(settings.alarmEmail === undefined || topicArn !== undefined ? {} : { email: settings.alarmEmail }),
    });
  }
  output(
    scope,
    'break_glass_role_arn',
    breakGlass.role.arn,
    'The break-glass role: standing session access for emergencies; every use alarms',
  );
  return breakGlass;
}
