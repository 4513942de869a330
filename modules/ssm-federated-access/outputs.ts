import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environment/load-environment';
import { escapeTerraformTemplate } from '../core/policy-document';
import type { IdentityCenterPermissionSet } from '../identity-center/identity-center-permission-set';
import type { SamlFederation } from '../saml-federation/saml-federation';
import { consoleSessionUrl, sshConfigSnippet } from '../session-preferences/connect';
import type { LaunchTagger } from '../launch-tagger/launch-tagger';
import type { ManagedInstanceRole } from '../managed-instance-role/managed-instance-role';
import type { SessionAuditLogs } from '../session-audit-logs/session-audit-logs';
import type { SessionPreferences } from '../session-preferences/session-preferences';
import { type PolicyStatement, policyDocument, renderPolicy } from '../core/policy-document';
import type { AwsRegion } from '../core/rules';

/**
 * One stack output; its name is the contract operators and scripts read (`terraform output <name>`),
 * so it is the output's Terraform name wherever the construct sits in the stack.
 */
export function output(scope: Construct, name: string, value: unknown, description: string): void {
  new TerraformOutput(scope, name, { value, description }).overrideLogicalId(name);
}

/** What the Identity Center administrator and the operators need. */
export function addIdentityCenterOutputs(stack: Construct, identityCenter: IdentityCenterPermissionSet): void {
  output(stack, 'permission_set_arn', identityCenter.permissionSet.arn, 'ARN of the Identity Center permission set');
  output(
    stack,
    'identity_center_role_arn_pattern',
    identityCenter.roleArnPattern,
    'The role Identity Center provisions in the account',
  );
  output(
    stack,
    'identity_center_attributes',
    Object.fromEntries(Object.entries(identityCenter.attributeMap).map(([k, v]) => [k, escapeTerraformTemplate(v)])),
    'Access control attributes the permission set relies on (principal tag -> user attribute)',
  );
}

/** What the IdP administrator configures. */
export function addFederationOutputs(stack: Construct, federation: SamlFederation, primaryRegion: AwsRegion): void {
  const idp = federation.idpConfiguration;
  output(stack, 'federated_role_arn', federation.roleArn, 'ARN of the federated role');
  output(stack, 'saml_provider_arn', federation.providerArn, 'ARN of the IAM SAML provider');
  output(
    stack,
    'idp_role_attribute',
    idp.roleAttribute,
    'IdP configuration: the Role attribute name and its value "<role arn>,<provider arn>"',
  );
  output(
    stack,
    'idp_role_session_name_attribute',
    idp.roleSessionNameAttribute,
    "IdP configuration: attribute carrying the person's user name",
  );
  output(
    stack,
    'idp_principal_tag_attributes',
    idp.principalTagAttributes,
    'IdP configuration: session tag attributes to send (SSMSessionRunAs = the OS user name)',
  );
  if (idp.sourceIdentityAttribute) {
    output(
      stack,
      'idp_source_identity_attribute',
      idp.sourceIdentityAttribute,
      "IdP configuration: source identity attribute, sent with the person's user name (kept on every CloudTrail record of the session)",
    );
  }
  output(
    stack,
    'idp_relay_state_template',
    consoleSessionUrl(primaryRegion),
    'IdP relay state that opens Session Manager on one instance after sign-in: replace <instance-id> (and the region for another region)',
  );
}

/** Per-region Session Manager outputs. */
export function addSessionOutputs(
  stack: Construct,
  config: EnvironmentConfig,
  sessions: readonly { readonly auditLogs: SessionAuditLogs; readonly preferences: SessionPreferences }[],
): void {
  const byRegion = <T>(
    value: (s: {
      readonly auditLogs: SessionAuditLogs;
      readonly preferences: SessionPreferences;
      readonly region: AwsRegion;
    }) => T,
  ) =>
    Object.fromEntries(
      sessions.map((s) => {
        const region = s.auditLogs.destination.region;
        return [region, value({ ...s, region })];
      }),
    );
  output(
    stack,
    'session_preferences_documents',
    byRegion((s) => s.preferences.documentName),
    'Session Manager preferences document, by region',
  );
  output(
    stack,
    'session_log_destinations',
    byRegion(({ auditLogs: { destination: d } }) => ({
      s3_bucket: d.s3BucketName ?? '',
      s3_key_prefix: d.s3KeyPrefix ?? '',
      log_group: d.logGroupName ?? '',
      kms_key_arn: d.kmsKeyArn ?? '',
    })),
    'Where session transcripts go, by region, and the key that encrypts them',
  );
  output(
    stack,
    'console_session_relay_states',
    byRegion((s) => consoleSessionUrl(s.region)),
    'IdP relay state that opens a Session Manager shell in the console, by region: replace <instance-id>',
  );
  if (config.access.sshEnabled) {
    output(
      stack,
      'ssh_config_snippet',
      sshConfigSnippet(),
      'Add to ~/.ssh/config to reach instances with ssh through Session Manager (not transcribed)',
    );
  }
}

/** The dead-letter queue of each region's launch tagger. */
export function addLaunchTaggerOutputs(
  stack: Construct,
  regions: readonly AwsRegion[],
  taggers: readonly LaunchTagger[],
): void {
  output(
    stack,
    'launch_tagger_dead_letter_queues',
    Object.fromEntries(taggers.map((t, i) => [regions[i], t.deadLetterQueue.url])),
    'Launch events the tagger could not process, by region (see README, "Launch tagger", to replay them)',
  );
}

/**
 * With a central log-archive bucket (another account's, usually): what its bucket policy and its
 * key's policy must allow for this environment's instances to upload transcripts, as documents the
 * archive account merges into its own (like the ownership-tag SCP for the management account).
 */
export function addCentralLogBucketOutputs(
  stack: Construct,
  config: EnvironmentConfig,
  instanceRole: ManagedInstanceRole,
): void {
  const central = config.logging.centralBucket;
  if (!central) return;
  const { bucketStatements, keyStatements } = centralLogBucketStatements(
    config.accountId,
    instanceRole.roleArn,
    central.name,
    instanceRole.logDestinations.flatMap((d) => (d.s3BucketName === central.name ? [d.s3KeyPrefix ?? ''] : [])),
    central.kmsKeyArn,
  );
  output(
    stack,
    'central_log_bucket_policy',
    renderPolicy(policyDocument(bucketStatements)),
    `Statements the central bucket ${central.name} needs in its bucket policy for this account's instances to upload transcripts (merge them into the log-archive account's policy)`,
  );
  output(
    stack,
    'central_log_key_policy_statements',
    JSON.stringify(keyStatements),
    "Statements the central bucket's KMS key needs in its key policy for this account's instances (merge them into the log-archive account's key policy)",
  );
}

/** The bucket and key policy statements a central transcript bucket needs for one account's instance role. */
export function centralLogBucketStatements(
  accountId: string,
  instanceRoleArn: string,
  bucketName: string,
  keyPrefixes: readonly string[],
  kmsKeyArn: string,
): { bucketStatements: PolicyStatement[]; keyStatements: PolicyStatement[] } {
  const principal = { AWS: instanceRoleArn };
  const objects = [...new Set(keyPrefixes)].map(
    (prefix) => `arn:aws:s3:::${bucketName}/${prefix ? `${prefix}/` : ''}*`,
  );
  const bucketStatements: PolicyStatement[] = [
    {
      Sid: `SessionTranscriptsFrom${accountId}`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: objects.length === 1 ? objects[0] : objects,
    },
    {
      Sid: `EncryptionCheckFrom${accountId}`,
      Effect: 'Allow',
      Principal: principal,
      // The agent refuses to upload to a bucket it cannot confirm is encrypted.
      Action: 's3:GetEncryptionConfiguration',
      Resource: `arn:aws:s3:::${bucketName}`,
    },
  ];
  const keyStatements: PolicyStatement[] = [
    {
      Sid: `SessionTranscriptUploadsFrom${accountId}`,
      Effect: 'Allow',
      Principal: principal,
      // GenerateDataKey: each SSE-KMS upload; Decrypt: multipart uploads of long transcripts.
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      // In a key policy, "*" is this key.
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `s3.${kmsKeyArn.split(':')[3]}.amazonaws.com` } },
    },
  ];
  return { bucketStatements, keyStatements };
}
