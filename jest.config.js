/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only (isolatedModules in tsconfig.json): `npm test` type-checks with tsc before jest runs.
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  // Terraform runs take a few seconds per environment.
  testTimeout: 120_000,
};
