import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import type { AwsRegion } from '../core/rules';
import type { EnvironmentConfig } from '../environment/load-environment';
import type { IdentityCenterPermissionSet } from '../identity-center/identity-center-permission-set';
import { LaunchTagger } from '../launch-tagger/launch-tagger';
import type { SamlFederation } from '../saml-federation/saml-federation';
import { SessionAuditLogs } from '../session-audit-logs/session-audit-logs';
import { SessionPreferences } from '../session-preferences/session-preferences';
import { VpcEndpoints } from '../vpc-endpoints/vpc-endpoints';
import { launchTaggerName } from './names';

/** Session Manager preferences and audit logs of one region, and its VPC endpoints where configured. */
export function addRegionSessionResources(
  scope: Construct,
  config: EnvironmentConfig,
  region: AwsRegion,
  provider: AwsProvider,
): { auditLogs: SessionAuditLogs; preferences: SessionPreferences; vpcEndpoints?: VpcEndpoints } {
  const logging = config.logging;
  const auditLogs = new SessionAuditLogs(scope, `session-audit-logs-${region}`, {
    provider,
    region,
    accountId: config.accountId,
    environmentName: config.name,
    s3LoggingEnabled: logging.s3.enabled,
    ...(logging.s3.keyPrefix === undefined ? {} : { s3KeyPrefix: logging.s3.keyPrefix }),
    cloudWatchLoggingEnabled: logging.cloudWatch.enabled,
    logRetentionDays: logging.logRetentionDays,
    transcriptArchiveAfterDays: logging.transcriptArchiveAfterDays,
    transcriptExpirationDays: logging.transcriptExpirationDays,
    ...(logging.objectLock
      ? { objectLockMode: logging.objectLock.mode, objectLockRetentionDays: logging.objectLock.days }
      : {}),
    ...(logging.centralBucket
      ? { centralBucketName: logging.centralBucket.name, centralBucketKmsKeyArn: logging.centralBucket.kmsKeyArn }
      : {}),
  });
  const preferences = new SessionPreferences(scope, `session-preferences-${region}`, {
    provider,
    destination: auditLogs.destination,
    cloudWatchStreamingEnabled: logging.cloudWatch.streamingEnabled,
    idleSessionTimeoutMinutes: config.session.idleTimeoutMinutes,
    maxSessionDurationMinutes: config.session.maxDurationMinutes,
    runAsEnabled: config.runAs.enabled,
    ...(config.runAs.defaultUser === undefined ? {} : { runAsDefaultUser: config.runAs.defaultUser }),
    allowSharedDefaultUser: config.runAs.allowSharedDefaultUser,
    shellProfileLinux: config.session.shellProfile.linux,
    shellProfileWindows: config.session.shellProfile.windows,
    adoptExistingDocument: config.session.adoptExistingDocument,
  });
  const endpoints = config.vpcEndpoints[region];
  const vpcEndpoints = endpoints
    ? new VpcEndpoints(scope, `vpc-endpoints-${region}`, {
        provider,
        region,
        namePrefix: config.name,
        vpcId: endpoints.vpcId,
        vpcCidrBlock: endpoints.vpcCidr,
        subnetIds: endpoints.subnetIds,
        routeTableIds: endpoints.routeTableIds,
      })
    : undefined;
  return { auditLogs, preferences, ...(vpcEndpoints ? { vpcEndpoints } : {}) };
}

/** The launch tagger of one region; every region's tagger shares one deployment package. */
export function addLaunchTagger(
  scope: Construct,
  config: EnvironmentConfig,
  region: AwsRegion,
  provider: AwsProvider,
  input: {
    readonly bundle: TerraformAsset;
    readonly federation?: SamlFederation;
    readonly permissionSet?: IdentityCenterPermissionSet;
    readonly permissionsBoundaryArn?: string;
  },
): LaunchTagger {
  const settings = config.launchTagger;
  return new LaunchTagger(scope, `launch-tagger-${region}`, {
    provider,
    region,
    accountId: config.accountId,
    name: launchTaggerName(config),
    bundle: input.bundle,
    ...(input.federation ? { federation: input.federation } : {}),
    ...(input.permissionSet ? { permissionSet: input.permissionSet } : {}),
    launcherRoleNames: settings.launcherRoleNames,
    ...(settings.maxRetryAttempts === undefined ? {} : { maxRetryAttempts: settings.maxRetryAttempts }),
    ...(settings.maxEventAgeSeconds === undefined ? {} : { maxEventAgeSeconds: settings.maxEventAgeSeconds }),
    ...(settings.alarmTopicArns?.[region] === undefined ? {} : { alarmTopicArn: settings.alarmTopicArns[region] }),
    ...(input.permissionsBoundaryArn === undefined ? {} : { permissionsBoundaryArn: input.permissionsBoundaryArn }),
  });
}
