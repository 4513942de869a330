/**
 * The deterministic names of one region's audit resources. Kept apart from the construct so the
 * environment schema can check them (S3's 63-character bucket names) without loading the provider.
 */
export function auditLogNames(
  environmentName: string,
  accountId: string,
  region: string,
): { transcriptBucket: string; accessLogBucket: string; logGroup: string; keyAlias: string } {
  return {
    transcriptBucket: `${environmentName}-ssm-sessions-${accountId}-${region}`,
    accessLogBucket: `${environmentName}-ssm-access-${accountId}-${region}`,
    logGroup: `/aws/ssm/${environmentName}/sessions`,
    keyAlias: `alias/${environmentName}-ssm-sessions`,
  };
}

/** S3 bucket names are 3-63 characters. */
export const S3_BUCKET_NAME_MAX_LENGTH = 63;
