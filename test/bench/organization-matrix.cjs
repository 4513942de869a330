// What `ssm-federated-access environments` does, for a generated organization: N accounts in an
// `aws organizations list-accounts` export, one environment each (with `ci`), validated, then
// sharded; prints the matrix. Usage: node organization-matrix.cjs N ACCOUNTS_FILE
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..', '..');
const { organizationEnvironments, loadEnvironments } = require(join(root, 'dist/environments'));
const names = require(join(root, 'dist/modules/ssm-federated-access/names'));
const { matrixOf, targetsOfEnvironments } = require(join(root, 'dist/cli/commands/ci-targets'));

const count = Number(process.argv[2]);
const accountsFile = process.argv[3];
writeFileSync(
  accountsFile,
  JSON.stringify({
    Accounts: Array.from({ length: count }, (_, i) => ({
      Id: String(100000000000 + i),
      Name: `Workload ${String(i).padStart(5, '0')}`,
      Status: 'ACTIVE',
    })),
  }),
);
const sources = organizationEnvironments({
  accountsFile,
  rootDir: root,
  template: {
    primaryRegion: 'eu-west-1',
    identity: {
      type: 'saml',
      providerName: 'CorpAdfs',
      metadataFile: 'environments/idp/example-adfs-metadata.xml',
      roleName: 'SsmFederatedShell',
      maxSessionDurationHours: 4,
    },
    backend: { type: 's3', bucket: 'example-org-terraform-state', region: 'eu-west-1' },
    ci: { githubRepository: 'example-org/ssm-federated-access' },
  },
});
const matrix = matrixOf(targetsOfEnvironments(loadEnvironments(sources, { rootDir: root }), names));
process.stdout.write(`${JSON.stringify(matrix)}\n`);
