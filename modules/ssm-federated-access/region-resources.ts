import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { AwsRegion } from '../core/rules';
import type { LaunchTagger } from '../launch-tagger/launch-tagger';
import type { SessionAuditLogs } from '../session-audit-logs/session-audit-logs';
import type { SessionPreferences } from '../session-preferences/session-preferences';
import type { VpcEndpoints } from '../vpc-endpoints/vpc-endpoints';

/** One region of an environment and what {@link SsmFederatedAccess} manages there. */
export interface RegionResources {
  /** The region's name. */
  readonly region: AwsRegion;
  /** The provider of the region: the default provider for the primary region, an aliased one for each further region (or the ones passed in `providers`). */
  readonly provider: AwsProvider;
  /** Whether this is the primary region (where the global IAM resources are managed). */
  readonly primary: boolean;
  /** The audit stores (or the central bucket) of the region. */
  readonly auditLogs: SessionAuditLogs;
  /** The region's Session Manager preferences document. */
  readonly preferences: SessionPreferences;
  /** The region's VPC endpoints, where the environment configures them. */
  readonly vpcEndpoints?: VpcEndpoints;
  /** The region's launch tagger, unless it is off. */
  readonly launchTagger?: LaunchTagger;
}
