/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (isolatedModules in tsconfig.json): `npm test` type-checks with tsc before jest runs.
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  // Terraform runs take a few seconds per environment.
  testTimeout: 120_000,
  // Two files at a time, also on a 2-core machine (jest's default there is one): much of the deploy
  // suite is the AWS provider waiting between reads, which the other files' work fills.
  maxWorkers: 2,
  // The deploy suite first, also on a fresh clone that has no timings yet (test/deploy/sequencer.cjs).
  testSequencer: '<rootDir>/test/deploy/sequencer.cjs',
};
