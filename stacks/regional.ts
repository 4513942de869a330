import type { TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../environments/load';
import { LaunchTagger } from '../modules/launch-tagger/launch-tagger';
import type { AwsRegion } from '../modules/core/rules';
import { SessionAuditLogs } from '../modules/session-audit-logs/session-audit-logs';
import { SessionPreferences } from '../modules/session-preferences/session-preferences';
import { VpcEndpoints } from '../modules/vpc-endpoints/vpc-endpoints';
import type { RegionContext, SsmFederatedAccessStack } from './environment-stack';
import { launchTaggerName } from './names';
import { output } from './outputs';

/** One region's Session Manager resources. */
export interface RegionSessionResources {
  readonly region: AwsRegion;
  readonly auditLogs: SessionAuditLogs;
  readonly preferences: SessionPreferences;
  readonly vpcEndpoints?: VpcEndpoints;
}

/** Session Manager preferences, audit logs and (where configured) VPC endpoints of one region. */
export function addRegionSessionResources(
  stack: TerraformStack,
  config: EnvironmentConfig,
  { region, provider }: RegionContext,
): RegionSessionResources {
  const logging = config.logging;
  const auditLogs = new SessionAuditLogs(stack, `session-audit-logs-${region}`, {
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
  const preferences = new SessionPreferences(stack, `session-preferences-${region}`, {
    provider,
    destination: auditLogs.destination,
    cloudWatchStreamingEnabled: logging.cloudWatch.streamingEnabled,
    idleSessionTimeoutMinutes: config.session.idleTimeoutMinutes,
    maxSessionDurationMinutes: config.session.maxDurationMinutes,
    runAsEnabled: config.runAs.enabled,
    ...(config.runAs.defaultUser === undefined ? {} : { runAsDefaultUser: config.runAs.defaultUser }),
    shellProfileLinux: config.session.shellProfile.linux,
    shellProfileWindows: config.session.shellProfile.windows,
    adoptExistingDocument: config.session.adoptExistingDocument,
  });
  const endpoints = config.vpcEndpoints[region];
  const vpcEndpoints = endpoints
    ? new VpcEndpoints(stack, `vpc-endpoints-${region}`, {
        provider,
        region,
        namePrefix: config.name,
        vpcId: endpoints.vpcId,
        vpcCidrBlock: endpoints.vpcCidr,
        subnetIds: endpoints.subnetIds,
        routeTableIds: endpoints.routeTableIds,
      })
    : undefined;
  return { region, auditLogs, preferences, ...(vpcEndpoints ? { vpcEndpoints } : {}) };
}

/** Whose sessions the tagger serves: the SAML federated role, or the Identity Center permission set. */
export type LaunchTaggerIdentity =
  | { readonly federatedRoleName: string; readonly federatedRoleUniqueId: string }
  | { readonly permissionSetName: string };

/** One launch tagger per region, all from one deployment package. */
export function addLaunchTaggers(
  stack: SsmFederatedAccessStack,
  config: EnvironmentConfig,
  identity: LaunchTaggerIdentity,
  permissionsBoundaryArn?: string,
): LaunchTagger[] {
  const settings = config.launchTagger;
  const bundle = LaunchTagger.bundleAsset(stack, 'launch-tagger-bundle');
  const taggers = stack.regions.map(
    ({ region, provider }) =>
      new LaunchTagger(stack, `launch-tagger-${region}`, {
        provider,
        region,
        accountId: config.accountId,
        name: launchTaggerName(config),
        bundle,
        ...identity,
        launcherRoleNames: settings.launcherRoleNames,
        ...(settings.maxRetryAttempts === undefined ? {} : { maxRetryAttempts: settings.maxRetryAttempts }),
        ...(settings.maxEventAgeSeconds === undefined ? {} : { maxEventAgeSeconds: settings.maxEventAgeSeconds }),
        ...(settings.alarmTopicArns?.[region] === undefined ? {} : { alarmTopicArn: settings.alarmTopicArns[region] }),
        ...(permissionsBoundaryArn === undefined ? {} : { permissionsBoundaryArn }),
      }),
  );
  output(
    stack,
    'launch_tagger_dead_letter_queues',
    Object.fromEntries(taggers.map((t, i) => [stack.regions[i].region, t.deadLetterQueue.url])),
    'Launch events the tagger could not process, by region (see README, "Launch tagger", to replay them)',
  );
  return taggers;
}
