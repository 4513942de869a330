// The synth as it was before batches: every environment in one App, synthesized at once
// (`synthesizeApp`). The bench's reference for time, memory and bytes.
// Usage: node one-app.cjs <mode> <outdir>, with the modes of generated-app.cjs (a number: that many
// copies of the example; `org`; `org:N`).
const { join } = require('node:path');
const root = join(__dirname, '..', '..');
const { loadEnvironments } = require(join(root, 'dist/environments/index.js'));
const { buildApp } = require(join(root, 'dist/stacks/app.js'));
const { synthesizeApp } = require(join(root, 'dist/modules/core/validation.js'));
const { benchSources } = require('./generated-app.cjs');

const [mode, outdir] = process.argv.slice(2);
process.exitCode = synthesizeApp(buildApp(loadEnvironments(benchSources(mode)), { outdir })) ? 0 : 1;
