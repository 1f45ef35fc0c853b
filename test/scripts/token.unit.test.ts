import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../services/common/auth/local-signing-key.js';
import { CUSTOMER_SCOPES, OPERATOR_SCOPES } from '../../services/common/auth/scopes.js';
import { createTokenVerifier } from '../../services/common/auth/token-verifier.js';
import { PROJECT_ROOT } from '../support/fixture-process.js';

const root = mkdtempSync(join(tmpdir(), 'outbox-token-script-'));
const dataDir = join(root, 'data');

afterAll(() => rmSync(root, { recursive: true, force: true }));

type Run = { code: number; stdout: string; stderr: string };

/** `npm run -s token -- <args>`, as a child process on a DATA_DIR of its own. */
function token(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/token.ts', ...args],
      { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The verifier the services run, against the jwks.json of the same DATA_DIR. */
function verifier() {
  return createTokenVerifier({
    mode: 'jwt',
    jwksUrl: undefined,
    publicKeyFile: join(dataDir, 'auth', 'jwks.json'),
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    algorithms: ['ES256'],
    clockToleranceMs: 0,
  });
}

function lifetimeOf(jwt: string): number {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
    iat: number;
    exp: number;
  };
  return claims.exp - claims.iat;
}

describe('npm run token', () => {
  it('makes the local key when missing and prints only a token the services accept, with the scopes asked for', async () => {
    const run = await token(
      '--sub',
      'clerk-7',
      '--scopes',
      'orders:read, inventory:read',
      '--expires',
      '30m',
    );

    expect(run).toEqual({ code: 0, stdout: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+\n$/), stderr: '' });
    expect(existsSync(join(dataDir, 'auth', 'signing-key.pem'))).toBe(true);
    const { caller } = await verifier()(run.stdout.trim());
    expect(caller.subject).toBe('clerk-7');
    expect([...caller.scopes].sort()).toEqual(['inventory:read', 'orders:read']);
    expect(lifetimeOf(run.stdout.trim())).toBe(30 * 60);
  });

  it('mints a customer’s and an operator’s token with the shortcuts, valid 24 hours by default', async () => {
    const customer = await token('--customer', 'ada');
    const operator = await token('--operator');

    const verify = verifier();
    const { caller: asCustomer } = await verify(customer.stdout.trim());
    expect(asCustomer.subject).toBe('ada');
    expect([...asCustomer.scopes].sort()).toEqual([...CUSTOMER_SCOPES].sort());
    expect([...(await verify(operator.stdout.trim())).caller.scopes].sort()).toEqual(
      [...OPERATOR_SCOPES].sort(),
    );
    expect(lifetimeOf(operator.stdout.trim())).toBe(24 * 3600);
  });

  it('refuses a scope that does not exist, naming it and the real ones, and prints no token', async () => {
    const run = await token('--sub', 'x', '--scopes', 'orders:read,orders:delete');

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/unknown scope orders:delete; the scopes are: orders:create, orders:read/);
  });

  it.each([
    [['--customer', 'ada', '--operator'], /exactly one of/],
    [['--sub', 'x'], /--sub needs --scopes/],
    [['--operator', '--scopes', 'orders:read'], /--operator has its scopes/],
    [['--operator', '--expires', 'soon'], /--expires must be a duration/],
  ])('refuses %j with a clear message', async (args, message) => {
    const run = await token(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});
