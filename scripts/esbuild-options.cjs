// How this project runs its own TypeScript on Node.js without a compile step: esbuild bundles an
// entry point with every project file it imports into one CommonJS file, and packages stay external,
// loaded from node_modules at run time. esbuild only strips types: `npm test` type-checks.
// Used by the app command (stacks/run.mjs), the test and benchmark tools (test/tools/bundle-and-run.mjs)
// and the CDK Terrain check (test/support/cdk-terrain.ts). CommonJS, so that all of them, jest's
// CommonJS test files included, can load it. The launch tagger's Lambda bundle has settings of its
// own (ES module, minified, for the Lambda runtime): handlers/launch-tagger/build.mjs.
const { join } = require('node:path');

/** esbuild options for a bundle that runs on the project's Node.js; add `entryPoints` and `outfile`. */
exports.NODE_BUNDLE = Object.freeze({
  // Paths in the bundle are relative to the project root, whatever the caller's working directory.
  absWorkingDir: join(__dirname, '..'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The oldest Node.js that package.json's engines allow.
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
