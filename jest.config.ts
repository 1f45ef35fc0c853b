import type { Config } from 'jest';

// ESM all the way down: the project is `"type": "module"`, so jest runs with
// --experimental-vm-modules (see the `test` script) and swc strips the types without
// turning imports into require(). (jest reads this file itself through ts-node.)
// `npm run test:unit` sets TEST_UNIT_ONLY=1: only the pure tests (`*.unit.test.ts`: table tests,
// parsers, decisions), and no PostgreSQL started for them. `npm test` runs them with the rest.
const unitOnly = process.env.TEST_UNIT_ONLY === '1';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/services', '<rootDir>/test', '<rootDir>/migrations', '<rootDir>/bench'],
  testMatch: unitOnly ? ['**/*.unit.test.ts'] : ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  ...(unitOnly
    ? {}
    : {
        globalSetup: '<rootDir>/test/support/global-setup.mjs',
        globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
      }),
  testTimeout: 60_000,
};

export default config;
