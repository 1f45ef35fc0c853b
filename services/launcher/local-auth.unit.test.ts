import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../common/auth/local-signing-key.js';
import { CUSTOMER_SCOPES, OPERATOR_SCOPES } from '../common/auth/scopes.js';
import { createTokenVerifier } from '../common/auth/token-verifier.js';
import { LOCAL_TOKEN_LIFETIME_MS, prepareLocalAuth } from './local-auth.js';

const folders: string[] = [];

function freshDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'outbox-launcher-auth-'));
  folders.push(root);
  return join(root, 'data');
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('npm start’s auth', () => {
  it('makes a local key, hands the services its public half, and mints a customer’s and an operator’s token that verify against it', async () => {
    const dataDir = freshDataDir();
    const now = new Date('2026-12-01T08:00:00Z');
    const auth = await prepareLocalAuth(dataDir, {}, () => now);

    if (auth.mode !== 'local') throw new Error(`expected local auth, got ${auth.mode}`);
    const jwksFile = join(dataDir, 'auth', 'jwks.json');
    expect(auth.env).toEqual({
      AUTH_PUBLIC_KEY_FILE: jwksFile,
      AUTH_ISSUER: LOCAL_ISSUER,
      AUTH_AUDIENCE: LOCAL_AUDIENCE,
    });
    expect(auth.keyFolder).toBe(join(dataDir, 'auth'));
    expect(auth.expiresAt).toEqual(new Date(now.getTime() + LOCAL_TOKEN_LIFETIME_MS));
    expect(auth.lifetime).toBe('24h');

    const verify = createTokenVerifier({
      mode: 'jwt',
      jwksUrl: undefined,
      publicKeyFile: jwksFile,
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: ['ES256'],
      clockToleranceMs: 0,
    });
    const { caller: customer } = await verify(auth.customer.token);
    expect(customer.subject).toBe('customer-1');
    expect([...customer.scopes].sort()).toEqual([...CUSTOMER_SCOPES].sort());
    const { caller: operator } = await verify(auth.operator.token);
    expect([...operator.scopes].sort()).toEqual([...OPERATOR_SCOPES].sort());
    const [, payload] = auth.operator.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(LOCAL_TOKEN_LIFETIME_MS / 1000);
  });

  it('reuses the key on the next start, so tokens printed earlier still verify', async () => {
    const dataDir = freshDataDir();
    const first = await prepareLocalAuth(dataDir, {});
    const second = await prepareLocalAuth(dataDir, {});
    if (first.mode !== 'local' || second.mode !== 'local') throw new Error('expected local auth');
    const header = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string };
    expect(header(second.operator.token).kid).toBe(header(first.operator.token).kid);
  });

  it('makes no key and no token with AUTH_MODE=off', async () => {
    const dataDir = freshDataDir();
    expect(await prepareLocalAuth(dataDir, { AUTH_MODE: 'off' })).toEqual({ mode: 'off', env: {} });
    expect(existsSync(join(dataDir, 'auth'))).toBe(false);
  });

  it('leaves auth to the environment when it names its own key source', async () => {
    const dataDir = freshDataDir();
    const env = { AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json' };
    expect(await prepareLocalAuth(dataDir, env)).toEqual({ mode: 'external', env: {} });
    expect(existsSync(join(dataDir, 'auth'))).toBe(false);
  });
});
