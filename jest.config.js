/** Jest runs the TypeScript sources through SWC (type-checking is `tsc --noEmit`, a separate step). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // Middy 6, the OpenAPI validator and string-width (with its dependencies) ship ESM only; jest (CommonJS mode) needs them transformed too.
  transformIgnorePatterns: [
    '/node_modules/(?!(@middy|@seriousme|string-width|strip-ansi|ansi-regex|get-east-asian-width)/)',
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 20000,
  // Two test files at once: much of the suite waits (on deadlines, on DynamoDB Local), so the two
  // cores stay busy; timing tests keep margins that hold under that load.
  maxWorkers: 2,
};
