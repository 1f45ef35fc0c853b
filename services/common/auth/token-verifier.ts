import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import type { AuthConfig } from './auth-config.js';
import type { Caller } from './caller.js';

/** Why a token was refused, in words safe to send back (RFC 6750 error_description). */
export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The keys could not be fetched (the identity provider is down): a 503, not the caller's fault. */
export class KeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the token signing keys could not be fetched', { cause });
    this.name = 'KeysUnavailableError';
  }
}

/** The caller a token names, and when the token expires (from its "exp"). */
export type VerifiedToken = { caller: Caller; expiresAt: Date };

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/**
 * Verifies a compact JWS against the configured keys: signature, algorithm (from the allowed list,
 * asymmetric only), issuer, audience, expiry and not-before (with the configured tolerance), and a
 * subject. Keys come from a JWKS URL (cached; an unknown key id refetches, at most every 30 s, so
 * a rotated-in key works without a restart) or from a file holding a PEM public key or a JWKS.
 */
export function createTokenVerifier(config: Extract<AuthConfig, { mode: 'jwt' }>): TokenVerifier {
  const keys = keySource(config);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: Math.round(config.clockToleranceMs / 1000),
        requiredClaims: ['sub', 'exp'],
      });
      // requiredClaims accepts "sub": "", which would act for a customer with an empty id.
      if (!payload.sub) throw new InvalidTokenError('the token has no subject');
      return {
        caller: { subject: payload.sub, scopes: scopesOf(payload), authenticated: true },
        expiresAt: new Date(payload.exp! * 1000),
      };
    } catch (error) {
      if (error instanceof InvalidTokenError || error instanceof KeysUnavailableError) throw error;
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new KeysUnavailableError(error);
      }
      throw new InvalidTokenError(describe(error));
    }
  };
}

function keySource(config: Extract<AuthConfig, { mode: 'jwt' }>): JWTVerifyGetKey {
  if (config.jwksUrl) {
    const remote = createRemoteJWKSet(new URL(config.jwksUrl), {
      timeoutDuration: 5_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // jose reports a JWKS answered with another status than 200, or with a body that is not a
        // key set, as a plain JOSEError (or JWKSInvalid): the keys are out of reach, not the token
        // at fault, so 503 rather than 401.
        if (error instanceof errors.JWKSInvalid || error?.constructor === errors.JOSEError) {
          throw new KeysUnavailableError(error);
        }
        throw error;
      }
    };
  }
  const text = readFileSync(config.publicKeyFile!, 'utf8').trim();
  if (text.startsWith('{')) return createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
  // One PEM key: import it once per algorithm it may be used with (jose binds a key to one).
  const imported = new Map<string, Promise<CryptoKey>>();
  return async (header) => {
    const alg = header.alg ?? '';
    if (!imported.has(alg)) imported.set(alg, importSPKI(text, alg));
    try {
      return await imported.get(alg)!;
    } catch {
      // The key is not of the kind the token's algorithm needs (an RSA token against an EC key).
      throw new InvalidTokenError('no known key matches the token');
    }
  };
}

/** OAuth's space-separated `scope`, or the `scp` list some identity providers send instead. */
function scopesOf(payload: Record<string, unknown>): Set<string> {
  const { scope, scp } = payload;
  if (typeof scope === 'string') return new Set(scope.split(' ').filter(Boolean));
  if (Array.isArray(scp)) return new Set(scp.filter((item): item is string => typeof item === 'string'));
  if (typeof scp === 'string') return new Set(scp.split(' ').filter(Boolean));
  return new Set();
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's "${error.claim}" claim is not accepted`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return 'no known key matches the token';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return 'the token is malformed';
  return 'the token could not be verified';
}
