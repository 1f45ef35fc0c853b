import base from './jest.config.mjs';

// The pure tests (`*.unit.test.ts`: table tests, parsers, decisions) need no PostgreSQL, so this
// configuration leaves out the global set-up that starts one; `npm test` still runs them with the rest.
/** @type {import('jest').Config} */
const config = {
  ...base,
  testMatch: ['**/*.unit.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
};

export default config;
