import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { type PolicyDocument, type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';
import { describeForReview } from '../core/review-metadata';
import { type AwsRegion, propProblems, rules } from '../core/rules';
import { reportProblems } from '../core/validation';
import type { SessionLogDestination } from '../core/session-log-destination';
import { inRegions, regionFree } from '../core/region-free';

/** What SSM Agent calls to open Session Manager channels (no resource-level permissions exist for them). */
export const AGENT_CHANNEL_ACTIONS = [
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
] as const;

/** Stable statement ids of the instance role's policy. */
export const MANAGED_INSTANCE_SIDS = {
  channels: 'SessionManagerChannels',
  heartbeat: 'AgentHeartbeat',
  s3Put: 'WriteTranscripts',
  s3Encryption: 'CheckTranscriptBucketEncryption',
  logsWrite: 'WriteSessionLogs',
  logsDescribe: 'FindSessionLogGroups',
  kms: 'UseSessionKeys',
  transcriptBucketKms: 'EncryptTranscriptsWithBucketKeys',
} as const;

/**
 * Properties of a {@link ManagedInstanceRole}.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 */
export interface ManagedInstanceRoleProps {
  /** AWS account the role lives in and the instances run in (used to build ARNs without a data source). */
  readonly accountId: string;
  /**
   * Regions whose instances use the role (AWS region names such as `eu-west-1`). The agent's
   * heartbeat is allowed for instances in these regions only.
   */
  readonly regions: readonly AwsRegion[];
  /**
   * Role and instance profile name (1-64 characters: letters, digits and `+=,.@_-`). IAM names
   * are global to the account, so include the environment.
   */
  readonly roleName: string;
  /**
   * Where each region's session transcripts go (usually `SessionAuditLogs.destination` of each
   * region); the role gets exactly the permissions to write there: `s3:PutObject` under the key
   * prefix, `logs:PutLogEvents` on the log group, `kms:Decrypt` and `kms:GenerateDataKey` on the key.
   * Each destination's region must be one of `regions`.
   *
   * @default - none: channel and heartbeat permissions only; sessions whose preferences name a
   *   KMS key or a transcript destination then fail, because the agent cannot use or write to them
   * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
   */
  readonly logDestinations?: readonly SessionLogDestination[];
  /**
   * ARN of a managed policy to set as the role's permissions boundary (the stack passes
   * `GitHubActionsRoles.permissionsBoundaryArn` when CI deploys it).
   *
   * @default - no permissions boundary
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * The IAM role and instance profile for EC2 instances that Session Manager connects to: the agent's
 * channel and heartbeat permissions, plus exactly the logging permissions that the session
 * preferences need. No reading of logs, no tagging and no starting of sessions.
 *
 * SSM Agent uses `ec2messages` for Run Command only, so this role does not grant it.
 *
 * Launch instances with `instanceProfile.name` as their IAM instance profile.
 *
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html
 */
export class ManagedInstanceRole extends Construct {
  /** The role EC2 assumes (escape hatch: the raw `aws_iam_role` resource). */
  readonly role: IamRole;
  /** The instance profile to launch instances with; it has the role's name. */
  readonly instanceProfile: IamInstanceProfile;
  /** The role's inline policy `session-manager-agent` (escape hatch). */
  readonly policy: IamRolePolicy;
  /** ARN of the role (known at synth time). */
  readonly roleArn: string;
  /** Where the instances write session logs (`ManagedInstanceRoleProps.logDestinations`). */
  readonly logDestinations: readonly SessionLogDestination[];
  /** The role's trust policy (`ec2.amazonaws.com` may assume it), as data. */
  readonly trustPolicy: PolicyDocument;
  /** The permissions, as data. */
  readonly document: PolicyDocument;

  constructor(scope: Construct, id: string, props: ManagedInstanceRoleProps) {
    super(scope, id);
    const destinations = props.logDestinations ?? [];
    this.logDestinations = destinations;
    reportProblems(this, [
      ...propProblems(this.node.path, [
        ['accountId', props.accountId, rules.accountId],
        ['roleName', props.roleName, rules.iamRoleName],
        ...props.regions.map((r, i) => [`regions.${i}`, r, rules.region] as const),
      ]),
      ...destinations
        .filter((d) => !props.regions.includes(d.region))
        .map((d) => ({
          file: this.node.path,
          path: 'logDestinations',
          value: d.region,
          message: `must name regions of the role (${props.regions.join(', ')}). Add the region or drop the destination`,
        })),
    ]);

    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    this.trustPolicy = policyDocument([
      {
        Sid: 'Ec2AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
    this.document = managedInstanceDocument(props.accountId, props.regions, destinations);

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'EC2 instances reached through Session Manager: agent channels and session log writes only',
      assumeRolePolicy: renderPolicy(this.trustPolicy),
      ...(props.permissionsBoundaryArn === undefined ? {} : { permissionsBoundary: props.permissionsBoundaryArn }),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'session-manager-agent',
      role: this.role.name,
      policy: renderPolicy(this.document),
    });
    describeForReview(this.role, {
      part: 'instance-role',
      roleName: props.roleName,
      regions: props.regions,
      logDestinations: destinations,
    });
    describeForReview(this.policy, { part: 'instance-policy', roleName: props.roleName });
    this.instanceProfile = new IamInstanceProfile(this, 'instance-profile', {
      name: props.roleName,
      role: this.role.name,
      // An instance launched with the profile as soon as it exists must already have its permissions.
      dependsOn: [this.policy],
    });
  }
}

/** The instance role's permissions for the given regions and log destinations. */
export function managedInstanceDocument(
  accountId: string,
  regions: readonly string[],
  destinations: readonly SessionLogDestination[],
): PolicyDocument {
  const environmentRegions = inRegions(regions);
  const statements: PolicyStatement[] = [
    {
      Sid: MANAGED_INSTANCE_SIDS.channels,
      Effect: 'Allow',
      Action: [...AGENT_CHANNEL_ACTIONS],
      // "*": the ssmmessages actions support no resource-level permissions.
      Resource: '*',
    },
    {
      Sid: MANAGED_INSTANCE_SIDS.heartbeat,
      Effect: 'Allow',
      // The agent reports itself every few minutes; without it the instance is not "managed".
      Action: 'ssm:UpdateInstanceInformation',
      Resource: `arn:aws:ec2:*:${accountId}:instance/*`,
      Condition: environmentRegions,
    },
  ];
  // One statement per kind, not per region: per-region names become one pattern (the region as
  // "*"), so the policy does not grow with every region.
  const oneOf = (values: readonly string[]) => {
    const unique = [...new Set(values.map((v) => regionFree(v, regions)))].sort();
    return unique.length === 1 ? unique[0] : unique;
  };
  const buckets = destinations.filter((d) => d.s3BucketName);
  if (buckets.length > 0) {
    statements.push(
      {
        Sid: MANAGED_INSTANCE_SIDS.s3Put,
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: oneOf(
          buckets.map((d) => `arn:aws:s3:::${d.s3BucketName}/${d.s3KeyPrefix ? `${d.s3KeyPrefix}/` : ''}*`),
        ),
      },
      {
        Sid: MANAGED_INSTANCE_SIDS.s3Encryption,
        Effect: 'Allow',
        // The agent refuses to upload to a bucket it cannot confirm is encrypted.
        Action: 's3:GetEncryptionConfiguration',
        Resource: oneOf(buckets.map((d) => `arn:aws:s3:::${d.s3BucketName}`)),
      },
    );
  }
  const groups = destinations.filter((d) => d.logGroupName);
  if (groups.length > 0) {
    statements.push({
      Sid: MANAGED_INSTANCE_SIDS.logsWrite,
      Effect: 'Allow',
      // Both actions are authorized on the log stream: any stream of the session log group.
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: oneOf(groups.map((d) => `arn:aws:logs:*:${accountId}:log-group:${d.logGroupName}:log-stream:*`)),
      // The group has the same name in every region: only the environment's.
      Condition: environmentRegions,
    });
  }
  if (destinations.some((d) => d.logGroupName)) {
    statements.push({
      Sid: MANAGED_INSTANCE_SIDS.logsDescribe,
      Effect: 'Allow',
      Action: 'logs:DescribeLogGroups',
      // "*": DescribeLogGroups lists groups and supports no resource scoping; the agent calls it to
      // check that the session log group exists before a session starts.
      Resource: '*',
    });
  }
  const keys = [...new Set(destinations.flatMap((d) => (d.kmsKeyArn ? [d.kmsKeyArn] : [])))];
  if (keys.length > 0) {
    statements.push({
      Sid: MANAGED_INSTANCE_SIDS.kms,
      Effect: 'Allow',
      // Decrypt: the session's data channel; GenerateDataKey: SSE-KMS transcript uploads.
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keys,
    });
  }
  // A central bucket's own key (another account's, usually): only for S3 uploads to that bucket.
  const bucketKeys = [
    ...new Set(destinations.flatMap((d) => (d.s3KmsKeyArn && !keys.includes(d.s3KmsKeyArn) ? [d.s3KmsKeyArn] : []))),
  ];
  if (bucketKeys.length > 0) {
    // An SSE-KMS key lives in its bucket's region, so the key ARN names the S3 endpoint that uses it.
    const viaS3 = [...new Set(bucketKeys.map((arn) => `s3.${arn.split(':')[3]}.amazonaws.com`))];
    statements.push({
      Sid: MANAGED_INSTANCE_SIDS.transcriptBucketKms,
      Effect: 'Allow',
      // GenerateDataKey: each SSE-KMS upload; Decrypt: multipart uploads of long transcripts.
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: bucketKeys,
      Condition: { StringEquals: { 'kms:ViaService': viaS3.length === 1 ? viaS3[0] : viaS3 } },
    });
  }
  return policyDocument(statements);
}
