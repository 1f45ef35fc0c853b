import { z } from 'zod';
import { ConfigError, envTypes } from '../config.js';

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned (none) token is never accepted. */
const ASYMMETRIC_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'Ed25519',
] as const;

/** The variables of every service that takes bearer tokens (the Order API and the subscribers). */
export const authConfigShape = {
  AUTH_MODE: z.enum(['jwt', 'off']).default('jwt'),
  AUTH_JWKS_URL: envTypes.httpUrl().optional(),
  AUTH_PUBLIC_KEY_FILE: z.string().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  AUTH_ALGORITHMS: z
    .string()
    .default('ES256,RS256,PS256,EdDSA')
    .transform((text) =>
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.enum(ASYMMETRIC_ALGORITHMS, 'must list asymmetric JWS algorithms such as ES256,RS256'))
        .min(1),
    ),
  AUTH_CLOCK_TOLERANCE: envTypes.duration('5s'),
};

export type AuthConfig =
  | { mode: 'off' }
  | {
      mode: 'jwt';
      /** Exactly one of the two key sources is set. */
      jwksUrl: string | undefined;
      publicKeyFile: string | undefined;
      issuer: string;
      audience: string;
      algorithms: string[];
      clockToleranceMs: number;
    };

type AuthVars = z.infer<z.ZodObject<typeof authConfigShape>>;

/**
 * Auth is on unless AUTH_MODE=off. On, a service will not start without somewhere to get keys from
 * and the issuer and audience it must check: a token checked against less is not checked.
 */
export function toAuthConfig(vars: AuthVars): AuthConfig {
  if (vars.AUTH_MODE === 'off') return { mode: 'off' };
  const problems: string[] = [];
  if (!vars.AUTH_JWKS_URL === !vars.AUTH_PUBLIC_KEY_FILE) {
    problems.push(
      'AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE: set exactly one (where token signing keys come from); ' +
        'AUTH_MODE=off turns authentication off instead',
    );
  }
  if (!vars.AUTH_ISSUER)
    problems.push('AUTH_ISSUER: required while AUTH_MODE is jwt (the "iss" tokens must carry)');
  if (!vars.AUTH_AUDIENCE)
    problems.push('AUTH_AUDIENCE: required while AUTH_MODE is jwt (the "aud" tokens must carry)');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    mode: 'jwt',
    jwksUrl: vars.AUTH_JWKS_URL,
    publicKeyFile: vars.AUTH_PUBLIC_KEY_FILE,
    issuer: vars.AUTH_ISSUER!,
    audience: vars.AUTH_AUDIENCE!,
    algorithms: vars.AUTH_ALGORITHMS,
    clockToleranceMs: vars.AUTH_CLOCK_TOLERANCE,
  };
}
