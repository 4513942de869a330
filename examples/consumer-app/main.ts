// A platform team's own CDKTF app: one environment of theirs in two regions, with Okta-style SAML
// federation and run-as, three attribute (ABAC) groups, the launch tagger, and transcripts in the
// organization's central log-archive bucket. `SsmFederatedAccess` composes and wires everything.
import { App, TerraformStack } from 'cdktf';
import { SsmFederatedAccess, synthesizeApp } from 'ssm-federated-access';

const app = new App();
const stack = new TerraformStack(app, 'shell-access');

new SsmFederatedAccess(stack, 'access', {
  environment: {
    name: 'platform',
    accountId: '123456789012',
    primaryRegion: 'eu-west-1',
    additionalRegions: ['eu-central-1'],
    identity: {
      type: 'saml',
      providerName: 'CorpIdp',
      // Read from the folder cdktf runs the app in.
      metadataFile: 'idp-metadata.xml',
      roleName: 'PlatformShell',
      maxSessionDurationHours: 2,
    },
    runAs: { enabled: true, defaultUser: 'ec2-user' },
    access: {
      ownerRule: true,
      attributeRule: { tags: [{ principalTag: 'AppId', instanceTag: 'APP_ID' }], groups: 3 },
    },
    launchTagger: { enabled: true },
    logging: {
      centralBucket: {
        name: 'example-org-session-archive',
        kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9',
      },
    },
    tags: { Team: 'platform' },
  },
});

// Every problem of every construct at once, without a stack trace, and nothing written.
synthesizeApp(app);
