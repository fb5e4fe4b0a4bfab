/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // `*.long.test.ts` (fault suites of many minutes) run only in `npm run test:faults`, which sets FLINKS_LONG_TESTS.
  testPathIgnorePatterns: process.env.FLINKS_LONG_TESTS ? ['/node_modules/'] : ['/node_modules/', '\\.long\\.test\\.ts$'],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 120_000,
};
