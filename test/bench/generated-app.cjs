// Synthesizes generated environments through the compiled app entry point, to show how synth cost
// grows with the number of accounts. Usage: node generated-app.cjs <mode> <outdir>, where <mode> is
// - a number N: N copies of the example, each with its own name and account;
// - `org`: the sample organization account list (environments/organization);
// - `org:N`: an `aws organizations list-accounts` export of N accounts, one environment each from
//   one template with two regions and the CI roles (the shape of a real organization roll-out).
// test/bench/one-app.cjs synthesizes the same sources through one App.
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const root = join(__dirname, '..', '..');

/** `count` copies of the example environment. */
function exampleCopies(count) {
  const { example } = require(join(root, 'dist/environments/example.js'));
  return Array.from({ length: count }, (_, i) => ({
    file: `generated/env-${i}.ts`,
    input: { ...example, name: `env-${String(i).padStart(3, '0')}`, accountId: String(100000000000 + i) },
  }));
}

/** One environment per account of a generated export of `count` accounts, with CI, in two regions. */
function exportedOrganization(count) {
  const { organizationEnvironments } = require(join(root, 'dist/environments/index.js'));
  const dir = mkdtempSync(join(tmpdir(), 'ssm-fa-accounts-'));
  const accountsFile = join(dir, 'accounts.json');
  const accounts = Array.from({ length: count }, (_, i) => ({
    Id: String(200000000000 + i),
    Name: `Workload ${String(i).padStart(5, '0')}`,
    Status: 'ACTIVE',
  }));
  writeFileSync(accountsFile, JSON.stringify({ Accounts: accounts }));
  try {
    return organizationEnvironments({
      accountsFile,
      rootDir: root,
      template: {
        primaryRegion: 'eu-west-1',
        additionalRegions: ['us-east-1'],
        identity: {
          type: 'saml',
          providerName: 'CorpAdfs',
          metadataFile: 'environments/idp/example-adfs-metadata.xml',
          roleName: 'SsmFederatedShell',
          maxSessionDurationHours: 4,
        },
        runAs: { enabled: true, defaultUser: 'ec2-user' },
        access: { ownerRule: true, sshEnabled: false, portForwardingEnabled: false },
        tags: { Project: 'ssm-federated-access' },
        backend: { type: 's3', bucket: 'example-org-terraform-state', region: 'eu-west-1' },
        ci: { githubRepository: 'example-org/ssm-federated-access' },
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment sources of a bench mode (see the top of this file). */
function benchSources(mode) {
  if (mode === 'org') {
    const { exampleOrganization } = require(join(root, 'dist/environments/organization/example-organization.js'));
    return exampleOrganization(root);
  }
  const exported = /^org:(\d+)$/.exec(mode);
  if (exported) return exportedOrganization(Number(exported[1]));
  if (!/^\d+$/.test(mode)) throw new Error(`mode must be a number, org or org:<number>, got ${JSON.stringify(mode)}`);
  return exampleCopies(Number(mode));
}

module.exports = { benchSources };

if (require.main === module) {
  const { runApp } = require(join(root, 'dist/stacks/main.js'));
  const [mode, outdir] = process.argv.slice(2);
  // BENCH_BATCH_SIZE: stacks per App; BENCH_WORKER_HEAP_MIB: a worker thread's heap budget (defaults:
  // the app's).
  const setting = (name) => (process.env[name] ? Number(process.env[name]) : undefined);
  runApp({
    sources: benchSources(mode),
    outdir,
    batchSize: setting('BENCH_BATCH_SIZE'),
    workerHeapMiB: setting('BENCH_WORKER_HEAP_MIB'),
  }).then((code) => {
    process.exitCode = code;
  });
}
