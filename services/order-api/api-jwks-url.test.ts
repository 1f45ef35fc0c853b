import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { AuthConfig } from '../common/auth/auth-config.js';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../common/auth/local-signing-key.js';
import { mintToken } from '../common/auth/mint-token.js';
import { anOrder, startApiHarness, type ApiHarness } from '../../test/support/order-api-harness.js';
import { testSigningKey, testToken } from '../../test/support/test-tokens.js';

/**
 * An identity provider's key endpoint, as a real HTTP server: it serves `keys` as a JWKS, or fails
 * with `status`, and counts how often it was asked.
 */
type KeyEndpoint = { url: string; keys: JWK[]; status: number; fetches: number; close(): Promise<void> };

async function startKeyEndpoint(keys: JWK[]): Promise<KeyEndpoint> {
  const state = { keys, status: 200, fetches: 0 };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    if (state.status !== 200) res.writeHead(state.status).end('identity provider trouble');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function jwksUrlConfig(url: string): AuthConfig {
  return {
    mode: 'jwt',
    jwksUrl: url,
    publicKeyFile: undefined,
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    algorithms: ['ES256'],
    clockToleranceMs: 5_000,
  };
}

/** The test key's public JWK, as the identity provider would publish it. */
async function testPublicJwk(): Promise<JWK> {
  const jwks = JSON.parse(readFileSync((await testSigningKey()).jwksFile, 'utf8')) as { keys: JWK[] };
  return jwks.keys[0]!;
}

describe('tokens checked against a JWKS URL', () => {
  let endpoint: KeyEndpoint;
  let api: ApiHarness;

  beforeAll(async () => {
    endpoint = await startKeyEndpoint([await testPublicJwk()]);
    api = await startApiHarness({ auth: jwksUrlConfig(endpoint.url) });
  });

  afterAll(async () => {
    await api.close();
    await endpoint.close();
  });

  it('accepts a token signed by a key added to the JWKS after start, without a restart', async () => {
    expect((await api.get('/orders')).status).toBe(200);
    const fetchesAtStart = endpoint.fetches;

    // The provider rotates: a new key appears in its JWKS and tokens are signed with it.
    const rotated = await generateKeyPair('ES256');
    const publicJwk = await exportJWK(rotated.publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const token = await mintToken(
      { privateKey: rotated.privateKey, kid },
      {
        subject: 'operator',
        scopes: ['orders:read'],
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        expiresInSeconds: 300,
      },
    );
    endpoint.keys = [...endpoint.keys, { ...publicJwk, kid, alg: 'ES256', use: 'sig' }];

    // An unknown key id refetches the JWKS, at most once per 30 s cool-down: let that pass.
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now + 31_000);
    try {
      expect((await api.as(token).get('/orders')).status).toBe(200);
    } finally {
      clock.mockRestore();
    }
    expect(endpoint.fetches).toBe(fetchesAtStart + 1);
    // The old key still works: both are in the set.
    expect((await api.get('/orders')).status).toBe(200);
  });
});

describe('a JWKS URL that cannot be used', () => {
  let endpoint: KeyEndpoint;
  let api: ApiHarness;

  beforeAll(async () => {
    endpoint = await startKeyEndpoint([await testPublicJwk()]);
    api = await startApiHarness({ auth: jwksUrlConfig(endpoint.url) });
  });

  afterAll(async () => {
    await api.close();
  });

  async function expectUnavailable(response: Response): Promise<void> {
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ status: 503 });
  }

  it('answers 503 with Retry-After, not 401, while the JWKS answers with an error, writing nothing', async () => {
    endpoint.status = 500;
    const before = await api.counts();
    await expectUnavailable(await api.as(await testToken()).post('/orders', anOrder));
    expect(await api.counts()).toEqual(before);
    expect(api.logLines).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'token signing keys could not be fetched' }),
    );
  });

  it('answers 503 with Retry-After, not 401, when the JWKS cannot be reached at all, writing nothing', async () => {
    await endpoint.close();
    const before = await api.counts();
    await expectUnavailable(await api.as(await testToken()).post('/orders', anOrder));
    expect(await api.counts()).toEqual(before);
  });
});
