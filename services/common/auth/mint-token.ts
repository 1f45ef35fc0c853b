import { SignJWT, type CryptoKey } from 'jose';

export type TokenClaims = {
  subject: string;
  /** Scope names (see scopes.ts); any string, so tests can mint tokens with scopes that do not exist. */
  scopes: readonly string[];
  issuer: string;
  audience: string;
  /** Seconds from now until it expires. */
  expiresInSeconds: number;
};

/**
 * Signs a bearer token the services accept: ES256 with the key's id in the header, `scope` as
 * OAuth's space-separated list. For local runs and tests; production tokens come from the
 * identity provider.
 */
export async function mintToken(
  signingKey: { privateKey: CryptoKey; kid: string },
  claims: TokenClaims,
): Promise<string> {
  return new SignJWT({ scope: claims.scopes.join(' ') })
    .setProtectedHeader({ alg: 'ES256', kid: signingKey.kid, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt()
    .setExpirationTime(`${claims.expiresInSeconds}s`)
    .sign(signingKey.privateKey);
}
