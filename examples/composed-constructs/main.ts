// A platform team's own CDKTF app that composes the lower-level constructs of ssm-federated-access
// itself, for when `SsmFederatedAccess` does not fit: one account, one region, SAML federation with
// run-as, session logging, the instance role and the launch tagger, each construct passed to the
// ones that use it.
import { readFileSync } from 'node:fs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  LaunchTagger,
  ManagedInstanceRole,
  SamlFederation,
  SessionAccessPolicy,
  SessionAuditLogs,
  SessionPreferences,
  synthesizeApp,
} from 'ssm-federated-access';

const accountId = '123456789012';

class ShellAccessStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The regional constructs take their region from this provider.
    const provider = new AwsProvider(this, 'aws', { region: 'eu-west-1', allowedAccountIds: [accountId] });

    const federation = new SamlFederation(this, 'federation', {
      accountId,
      providerName: 'CorpIdp',
      // cdktf runs the app from this folder.
      metadataXml: readFileSync('idp-metadata.xml', 'utf8'),
      roleName: 'PlatformShell',
      maxSessionDurationHours: 2,
    });

    const logs = new SessionAuditLogs(this, 'audit-logs', { provider, accountId, environmentName: 'platform' });
    new SessionPreferences(this, 'preferences', {
      provider,
      destination: logs.destination,
      runAsEnabled: true,
      runAsDefaultUser: 'ec2-user',
    });

    const access = new SessionAccessPolicy(this, 'access', {
      accountId,
      regions: [logs.destination.region],
      environment: 'platform',
      sessionKmsKeyArns: [logs.kmsKeyArn],
    });
    access.attachToRole(federation.role);

    const instances = new ManagedInstanceRole(this, 'instances', {
      accountId,
      regions: [logs.destination.region],
      roleName: 'platform-ssm-instance',
      logDestinations: [logs.destination],
    });

    // Tags each new instance with its launcher's aws:userid, for the owner rule above.
    new LaunchTagger(this, 'launch-tagger', { provider, accountId, federation, name: 'platform-launch-tagger' });

    new TerraformOutput(this, 'role_arn', { value: federation.roleArn });
    new TerraformOutput(this, 'instance_profile', { value: instances.instanceProfile.name });
    new TerraformOutput(this, 'ownership_tag_scp', { value: access.scpJson });
  }
}

const app = new App();
new ShellAccessStack(app, 'composed-shell-access');
synthesizeApp(app);
