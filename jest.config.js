/**
 * Jest runs the TypeScript sources directly; `npm test` type-checks first with tsc.
 * Two projects: everything else, and the Elasticsearch integration tests, which need a real node.
 * The second project's globalSetup runs only when one of its tests is selected: it uses
 * YUQING_TEST_ES_URL when set, otherwise starts a node with scripts/es-node.sh (and stops it after).
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/elasticsearch/'],
      testTimeout: 30000,
    },
    {
      ...shared,
      displayName: 'elasticsearch',
      roots: ['<rootDir>/test/integration/elasticsearch'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/es-global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/es-global-teardown.ts',
      testTimeout: 120000,
    },
  ],
};
