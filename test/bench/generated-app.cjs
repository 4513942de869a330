// Synthesizes N generated environments (copies of the example with their own names and accounts)
// through the compiled app entry point, to show how synth cost grows with the number of accounts.
const { join } = require('node:path');
const root = join(__dirname, '..', '..');
const { main } = require(join(root, 'dist/stacks/main.js'));
const { example } = require(join(root, 'dist/environments/example.js'));

const count = Number(process.argv[2]);
const outdir = process.argv[3];
const sources = Array.from({ length: count }, (_, i) => ({
  file: `generated/env-${i}.ts`,
  input: { ...example, name: `env-${String(i).padStart(3, '0')}`, accountId: String(100000000000 + i) },
}));
process.exitCode = main({ sources, outdir });
