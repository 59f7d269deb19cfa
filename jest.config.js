// Tests run on the TypeScript sources (swc strips types; `pnpm typecheck` checks them).
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

const workspace = ['packages', 'services'].flatMap((dir) =>
  readdirSync(join(__dirname, dir)).map((name) => [`^@tthc/${name}$`, `<rootDir>/${dir}/${name}/src`]),
);
const moduleNameMapper = Object.fromEntries([...workspace, ['^@tthc/test-support$', '<rootDir>/test/support']]);
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const base = {
  rootDir: __dirname,
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['/dist/'],
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
};

/** Test tier is in the file name: *.unit.test.ts (no servers), *.int.test.ts (real PostgreSQL), *.e2e.test.ts (Kafka too). */
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...base, displayName: 'unit', testMatch: ['**/*.unit.test.ts'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['**/*.int.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/slow-tests.ts'],
    },
  ],
};
