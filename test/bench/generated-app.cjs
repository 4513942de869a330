// Synthesizes generated environments (copies of the example with their own names and accounts,
// or one per account of the sample organization account list)
// through the compiled app entry point, to show how synth cost grows with the number of accounts.
const { join } = require('node:path');
const root = join(__dirname, '..', '..');
const { runApp } = require(join(root, 'dist/stacks/main.js'));
const { example } = require(join(root, 'dist/environments/example.js'));

const { exampleOrganization } = require(join(root, 'dist/environments/organization/example-organization.js'));

// `org`: the sample AWS Organizations account list; a number: that many copies of the example.
const mode = process.argv[2];
const outdir = process.argv[3];
const sources =
  mode === 'org'
    ? exampleOrganization(root)
    : Array.from({ length: Number(mode) }, (_, i) => ({
        file: `generated/env-${i}.ts`,
        input: { ...example, name: `env-${String(i).padStart(3, '0')}`, accountId: String(100000000000 + i) },
      }));
// BENCH_BATCH_SIZE: stacks per App; BENCH_WORKER_HEAP_MIB: a worker thread's heap budget (defaults:
// the app's).
const setting = (name) => (process.env[name] ? Number(process.env[name]) : undefined);
runApp({
  sources,
  outdir,
  batchSize: setting('BENCH_BATCH_SIZE'),
  workerHeapMiB: setting('BENCH_WORKER_HEAP_MIB'),
}).then((code) => {
  process.exitCode = code;
});
