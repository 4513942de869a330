// A platform team's own CDKTF app that uses the constructs from the ssm-federated-access package:
// one account, one region, SAML federation with run-as, session logging and the instance role.
import { readFileSync } from 'node:fs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  ManagedInstanceRole,
  SamlFederation,
  SessionAccessPolicy,
  SessionAuditLogs,
  SessionPreferences,
} from 'ssm-federated-access';

const accountId = '123456789012';
const region = 'eu-west-1';

class ShellAccessStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const provider = new AwsProvider(this, 'aws', { region, allowedAccountIds: [accountId] });

    const federation = new SamlFederation(this, 'federation', {
      accountId,
      providerName: 'CorpIdp',
      // cdktf runs the app from this folder.
      metadataXml: readFileSync('idp-metadata.xml', 'utf8'),
      roleName: 'PlatformShell',
      maxSessionDurationHours: 2,
    });

    const logs = new SessionAuditLogs(this, 'audit-logs', { provider, region, accountId, environmentName: 'platform' });
    new SessionPreferences(this, 'preferences', {
      provider,
      destination: logs.destination,
      runAsEnabled: true,
      runAsDefaultUser: 'ec2-user',
    });

    const access = new SessionAccessPolicy(this, 'access', {
      accountId,
      regions: [region],
      environment: 'platform',
      sessionKmsKeyArns: [logs.kmsKeyArn],
    });
    access.attachToRole(federation.role);

    const instances = new ManagedInstanceRole(this, 'instances', {
      accountId,
      regions: [region],
      roleName: 'platform-ssm-instance',
      logDestinations: [logs.destination],
    });

    new TerraformOutput(this, 'role_arn', { value: federation.roleArn });
    new TerraformOutput(this, 'instance_profile', { value: instances.instanceProfile.name });
  }
}

const app = new App();
new ShellAccessStack(app, 'shell-access');
app.synth();
