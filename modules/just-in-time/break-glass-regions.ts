import type { AwsRegion } from '../core/rules';

/**
 * Who may assume the break-glass role: IAM principals with MFA (`iam`, the path for when the IdP
 * is down), the environment's SAML provider (`saml`), or both.
 */
export type BreakGlassTrust = 'iam' | 'saml' | 'both';

/** The trust choices, for schemas and validation. */
export const BREAK_GLASS_TRUSTS: readonly BreakGlassTrust[] = ['iam', 'saml', 'both'];

/**
 * Where CloudTrail records a sign-in to the role whatever regions the environment uses: calls to
 * the STS global endpoint and console sign-ins in us-east-1, and some IAM-user console sign-ins
 * in us-east-2, eu-north-1 or ap-southeast-2.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
 */
export const GLOBAL_SIGN_IN_REGION: AwsRegion = 'us-east-1';

/** The regions the sign-in alarms watch besides the environment's own, unless the environment says otherwise. */
export const DEFAULT_SIGN_IN_ALARM_REGIONS: readonly AwsRegion[] = [
  'us-east-1',
  'us-east-2',
  'eu-north-1',
  'ap-southeast-2',
];

/** The trust an environment gets when it does not choose: the SAML provider where there is one, plus any IAM principals listed. */
export function defaultBreakGlassTrust(
  identityType: 'saml' | 'identity-center',
  trustedPrincipals: number,
): BreakGlassTrust {
  if (identityType !== 'saml') return 'iam';
  return trustedPrincipals > 0 ? 'both' : 'saml';
}

/**
 * Every region whose EventBridge sees a sign-in to the role: the environment's regions first (in
 * their order), then us-east-1 and the further regions named (sorted), each once.
 */
export function signInAlarmRegions(
  environmentRegions: readonly AwsRegion[],
  further: readonly AwsRegion[] = DEFAULT_SIGN_IN_ALARM_REGIONS,
): AwsRegion[] {
  const extra = [...new Set([GLOBAL_SIGN_IN_REGION, ...further])].filter((r) => !environmentRegions.includes(r)).sort();
  return [...environmentRegions, ...extra];
}

/** The parts of an environment that say where the break-glass alarms go. */
export interface BreakGlassAlarmSettings {
  /** The environment's regions, the primary first. */
  readonly regions: readonly AwsRegion[];
  readonly justInTime?: {
    readonly breakGlass: {
      readonly signInAlarmRegions?: readonly AwsRegion[];
      readonly cloudTrailLogGroupName?: string;
      readonly cloudTrailLogGroupRegion?: AwsRegion;
    };
  };
}

/**
 * Every region with a break-glass alarm: the environment's (session starts, and sign-ins), then
 * either the further sign-in regions (EventBridge) or the trail log group's region (CIS alarm).
 */
export function breakGlassAlarmRegionsOf(env: BreakGlassAlarmSettings): AwsRegion[] {
  const breakGlass = env.justInTime?.breakGlass;
  if (breakGlass?.cloudTrailLogGroupName !== undefined) {
    const trailRegion = trailLogGroupRegionOf(env)!;
    return env.regions.includes(trailRegion) ? [...env.regions] : [...env.regions, trailRegion];
  }
  return signInAlarmRegions(env.regions, breakGlass?.signInAlarmRegions);
}

/** The region of the trail log group, when the environment names one. */
export function trailLogGroupRegionOf(env: BreakGlassAlarmSettings): AwsRegion | undefined {
  const breakGlass = env.justInTime?.breakGlass;
  if (breakGlass?.cloudTrailLogGroupName === undefined) return undefined;
  return breakGlass.cloudTrailLogGroupRegion ?? env.regions[0];
}
