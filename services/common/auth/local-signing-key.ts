import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  type CryptoKey,
} from 'jose';

/** The issuer and audience of locally minted tokens (npm start, npm run token). */
export const LOCAL_ISSUER = 'order-outbox-local';
export const LOCAL_AUDIENCE = 'order-outbox';

export type LocalSigningKey = {
  privateKey: CryptoKey;
  kid: string;
  /** The public half as a JWKS file: what the services verify against (AUTH_PUBLIC_KEY_FILE). */
  jwksFile: string;
};

/**
 * For local runs only: an ES256 key pair generated on first start under DATA_DIR/auth (the private
 * key mode 0600) and reused after, so tokens printed once keep working across restarts. Deleting
 * the folder rotates the key and invalidates every token minted with it.
 */
export async function localSigningKey(dataDir: string): Promise<LocalSigningKey> {
  const dir = join(dataDir, 'auth');
  const privateKeyFile = join(dir, 'signing-key.pem');
  const jwksFile = join(dir, 'jwks.json');
  if (!existsSync(privateKeyFile) || !existsSync(jwksFile)) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    mkdirSync(dir, { recursive: true });
    writeFileSync(privateKeyFile, await exportPKCS8(pair.privateKey), { mode: 0o600 });
    writeFileSync(
      jwksFile,
      JSON.stringify({ keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] }, null, 2),
    );
  }
  const jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: { kid: string }[] };
  return {
    privateKey: await importPKCS8(readFileSync(privateKeyFile, 'utf8'), 'ES256'),
    kid: jwks.keys[0]!.kid,
    jwksFile,
  };
}

/**
 * The auth variables the local services run with: the local key, issuer and audience, unless the
 * environment already says where keys come from (then it is used as it is).
 */
export function localAuthEnv(key: LocalSigningKey, env: NodeJS.ProcessEnv): Record<string, string> {
  if (env.AUTH_MODE === 'off' || env.AUTH_JWKS_URL || env.AUTH_PUBLIC_KEY_FILE) return {};
  return { AUTH_PUBLIC_KEY_FILE: key.jwksFile, AUTH_ISSUER: LOCAL_ISSUER, AUTH_AUDIENCE: LOCAL_AUDIENCE };
}
