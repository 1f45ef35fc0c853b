import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  base64url,
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../common/auth/local-signing-key.js';
import { anOrder, useApiHarness } from '../../test/support/order-api-harness.js';
import { customerToken, testSigningKey, testToken } from '../../test/support/test-tokens.js';

const api = useApiHarness();

/** The claims of a valid customer's token for anOrder's customer, for tokens built by hand. */
const claims = { sub: anOrder.customerId, scope: 'orders:create orders:read orders:cancel' };

/** A token signed with the trusted key, with the header and timing claims given. */
async function signedWithTheTestKey(build: (jwt: SignJWT) => SignJWT): Promise<string> {
  const key = await testSigningKey();
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h');
  return build(jwt).sign(key.privateKey);
}

/** The public half of the trusted key, as the services read it (the JWKS file). */
async function trustedPublicKey(): Promise<{ jwk: JWK; pem: string }> {
  const jwks = JSON.parse(readFileSync((await testSigningKey()).jwksFile, 'utf8')) as { keys: JWK[] };
  const jwk = jwks.keys[0]!;
  return { jwk, pem: await exportSPKI((await importJWK(jwk, 'ES256')) as CryptoKey) };
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

/** Every way in that must be refused, each with what the token (or header) is. */
const refusedTokens: [string, () => Promise<string>][] = [
  ['an expired token', () => testToken({ expiresInSeconds: -60 })],
  [
    'a token not valid until a minute from now (beyond the 5 s tolerance)',
    () => signedWithTheTestKey((jwt) => jwt.setNotBefore('60s')),
  ],
  ['a token from another issuer', () => testToken({ issuer: 'https://someone-else.example.com/' })],
  ['a token for another audience', () => testToken({ audience: 'another-service' })],
  [
    'an unsigned token (alg none)',
    () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = { ...claims, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now, exp: now + 3600 };
      return Promise.resolve(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`);
    },
  ],
  [
    "an HS256 token whose secret is the trusted public key's bytes (algorithm confusion)",
    async () => {
      const { jwk, pem } = await trustedPublicKey();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: jwk.kid!, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(pem));
    },
  ],
  [
    "a customer's token whose payload was given every scope after signing",
    async () => {
      const [header, , signature] = (await customerToken(anOrder.customerId)).split('.');
      const payload = decodeJwt(await customerToken(anOrder.customerId));
      const widened = { ...payload, scope: `${String(payload.scope)} orders:admin orders:fulfil` };
      return `${header}.${encode(widened)}.${signature}`;
    },
  ],
  [
    'a token signed by a key the service does not know (unknown kid)',
    async () => {
      const stranger = await generateKeyPair('ES256');
      const kid = await calculateJwkThumbprint(await exportJWK(stranger.publicKey));
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(stranger.privateKey);
    },
  ],
  [
    "a token signed by an unknown key that claims the trusted key's kid",
    async () => {
      const stranger = await generateKeyPair('ES256');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: (await testSigningKey()).kid, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(stranger.privateKey);
    },
  ],
  ['a token without a subject', () => signedWithTheTestKey((jwt) => jwt.setSubject(''))],
  ['a string that is not a JWT at all', () => Promise.resolve('not-a-jwt')],
];

/** 401, the problem+json shape, and the RFC 6750 challenge of the Order API's realm. */
async function expectUnauthorized(response: Response, error: 'invalid_token' | undefined): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const challenge = response.headers.get('www-authenticate');
  expect(challenge).toMatch(/^Bearer realm="order-api"/);
  if (error) expect(challenge).toContain(`error="${error}"`);
  else expect(challenge).not.toContain('error=');
  expect(await response.json()).toMatchObject({
    status: 401,
    title: 'Unauthorized',
    detail: expect.any(String),
  });
}

describe('getting into the Order API without a valid token', () => {
  it('refuses a request without a token with 401 and a bare Bearer challenge, writing nothing', async () => {
    const before = await api.counts();
    await expectUnauthorized(await api.as(null).post('/orders', anOrder), undefined);
    await expectUnauthorized(await api.as(null).get('/orders'), undefined);
    expect(await api.counts()).toEqual(before);
  });

  it.each(refusedTokens)('refuses %s with 401 invalid_token, writing nothing', async (_name, token) => {
    const before = await api.counts();
    const bearer = api.as(await token());
    await expectUnauthorized(
      await bearer.post('/orders', anOrder, { 'idempotency-key': 'k-1' }),
      'invalid_token',
    );
    await expectUnauthorized(await bearer.get('/orders'), 'invalid_token');
    expect(await api.counts()).toEqual(before);
  });

  it.each([
    ['Basic credentials', () => Promise.resolve(`Basic ${Buffer.from('admin:admin').toString('base64')}`)],
    ['the word Bearer alone', () => Promise.resolve('Bearer')],
    ['a token without the Bearer scheme', () => customerToken(anOrder.customerId)],
    ['two tokens', async () => `Bearer ${await customerToken('a')} ${await customerToken('b')}`],
  ])('refuses a malformed Authorization header (%s) with 401, writing nothing', async (_name, header) => {
    const before = await api.counts();
    const response = await api.post('/orders', anOrder, { authorization: await header() });
    await expectUnauthorized(response, 'invalid_token');
    expect(await api.counts()).toEqual(before);
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const token = await testToken({ expiresInSeconds: -2 });
    expect((await api.as(token).get('/orders')).status).toBe(200);
  });

  it('leaves health, readiness, metrics and the OpenAPI document open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await api.as(null).get(path)).status).toBe(200);
    }
  });
});
