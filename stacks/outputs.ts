import { TerraformOutput, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../environments/load';
import { escapeTerraformTemplate } from '../modules/core/policy-document';
import type { IdentityCenterPermissionSet } from '../modules/identity-center/identity-center-permission-set';
import type { SamlFederation } from '../modules/saml-federation/saml-federation';
import { consoleSessionUrl, sshConfigSnippet } from '../modules/session-preferences/connect';
import type { RegionSessionResources } from './regional';
import type { AwsRegion } from '../modules/core/rules';

/** One stack output; its name is the contract operators and scripts read. */
export function output(stack: TerraformStack, name: string, value: unknown, description: string): void {
  new TerraformOutput(stack, name, { value, description });
}

/** What the Identity Center administrator and the operators need. */
export function addIdentityCenterOutputs(stack: TerraformStack, identityCenter: IdentityCenterPermissionSet): void {
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
export function addFederationOutputs(
  stack: TerraformStack,
  federation: SamlFederation,
  primaryRegion: AwsRegion,
): void {
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
  stack: TerraformStack,
  config: EnvironmentConfig,
  sessions: readonly RegionSessionResources[],
): void {
  const byRegion = <T>(value: (s: RegionSessionResources) => T) =>
    Object.fromEntries(sessions.map((s) => [s.region, value(s)]));
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
