import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthConfig } from '../../services/common/auth/auth-config.js';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  localSigningKey,
  type LocalSigningKey,
} from '../../services/common/auth/local-signing-key.js';
import { mintToken, type TokenClaims } from '../../services/common/auth/mint-token.js';
import { CUSTOMER_SCOPES, OPERATOR_SCOPES } from '../../services/common/auth/scopes.js';

/**
 * The one token fixture: a signing key made once per test process (in a temporary folder, the way
 * `npm start` makes its local one), the auth configuration that trusts it, and tokens minted with
 * it. Apps built in-process take `testAuthConfig()`; processes spawned take `testAuthEnv()`.
 * Test support only.
 */
let key: Promise<LocalSigningKey> | undefined;

export function testSigningKey(): Promise<LocalSigningKey> {
  key ??= localSigningKey(mkdtempSync(join(tmpdir(), 'outbox-test-auth-')));
  return key;
}

export async function testAuthConfig(): Promise<AuthConfig> {
  return {
    mode: 'jwt',
    jwksUrl: undefined,
    publicKeyFile: (await testSigningKey()).jwksFile,
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    clockToleranceMs: 5_000,
  };
}

export async function testAuthEnv(): Promise<Record<string, string>> {
  return {
    AUTH_PUBLIC_KEY_FILE: (await testSigningKey()).jwksFile,
    AUTH_ISSUER: LOCAL_ISSUER,
    AUTH_AUDIENCE: LOCAL_AUDIENCE,
  };
}

/** A token signed with the test key; claims not given are those of a valid operator's token. */
export async function testToken(claims: Partial<TokenClaims> = {}): Promise<string> {
  return mintToken(await testSigningKey(), {
    subject: 'operator',
    scopes: OPERATOR_SCOPES,
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    expiresInSeconds: 3600,
    ...claims,
  });
}

/** A customer's token: its subject is the customer id, its scopes those of a customer. */
export function customerToken(customerId: string): Promise<string> {
  return testToken({ subject: customerId, scopes: CUSTOMER_SCOPES });
}

/** A staff token with every scope. */
export function operatorToken(): Promise<string> {
  return testToken();
}
