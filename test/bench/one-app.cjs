// The synth as it was before batches: every generated environment in one App, synthesized at once
// (`synthesizeApp`). The bench's reference for time, memory and bytes.
// Usage: node one-app.cjs <count> <outdir>
const { join } = require('node:path');
const root = join(__dirname, '..', '..');
const { loadEnvironments } = require(join(root, 'dist/environments/index.js'));
const { example } = require(join(root, 'dist/environments/example.js'));
const { buildApp } = require(join(root, 'dist/stacks/app.js'));
const { synthesizeApp } = require(join(root, 'dist/modules/core/validation.js'));

const [count, outdir] = [Number(process.argv[2]), process.argv[3]];
const sources = Array.from({ length: count }, (_, i) => ({
  file: `generated/env-${i}.ts`,
  input: { ...example, name: `env-${String(i).padStart(3, '0')}`, accountId: String(100000000000 + i) },
}));
process.exitCode = synthesizeApp(buildApp(loadEnvironments(sources), { outdir })) ? 0 : 1;
