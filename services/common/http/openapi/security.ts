import { SCOPES, type Scope } from '../../auth/scopes.js';
import { problem } from './responses.js';

/** The name of the bearer scheme in `components.securitySchemes` and in each operation's `security`. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * The bearer-token scheme of a service that checks tokens (see services/common/auth), with the
 * scopes its operations ask for and what each allows in `x-scopes`: OpenAPI lists scopes only for
 * oauth2 schemes, while 3.1 lets an http scheme's requirement name roles, which these are.
 */
export function bearerSecuritySchemes(scopes: readonly Scope[]): Record<string, unknown> {
  return {
    [BEARER_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A JWT signed with an asymmetric key of the configured issuer (AUTH_JWKS_URL or ' +
        'AUTH_PUBLIC_KEY_FILE), for the configured audience, unexpired; its `scope` claim (or `scp`) ' +
        'lists the scopes it grants and its `sub` is the caller (for a customer: the customer id).',
      'x-scopes': Object.fromEntries(scopes.map((scope) => [scope, SCOPES[scope]])),
    },
  };
}

/** An operation's `security`: a bearer token with `scope`. */
export function requiresScope(scope: Scope): { security: Record<string, string[]>[] } {
  return { security: [{ [BEARER_SCHEME]: [scope] }] };
}

/** Open routes (health, readiness, metrics, the document itself) and signed deliveries take no token. */
export const noToken = { security: [] as Record<string, string[]>[] };

const challengeHeader = {
  'WWW-Authenticate': {
    description:
      'The RFC 6750 Bearer challenge: the realm, and the error (invalid_token, insufficient_scope)',
    schema: { type: 'string' },
  },
};

/** The responses of an operation behind a token: 401 (no valid token) and 403 (`forbidden`). */
export function authProblems(forbidden: string): Record<string, unknown> {
  return {
    '401': {
      ...problem(
        'No bearer token, or one that is expired, not yet valid, from another issuer or for another ' +
          'audience, badly signed or malformed',
      ),
      headers: challengeHeader,
    },
    '403': { ...problem(forbidden), headers: challengeHeader },
  };
}

/**
 * An operation that needs a bearer token carrying `scope`: its `security` requirement, and the 401
 * and 403 it can answer added to its responses.
 */
export function needsScope<Operation extends { responses: Record<string, unknown> }>(
  scope: Scope,
  operation: Operation,
): Operation & { security: Record<string, string[]>[] } {
  return {
    ...operation,
    ...requiresScope(scope),
    responses: {
      ...operation.responses,
      ...authProblems(`The token lacks ${scope} (type /problems/insufficient-scope)`),
    },
  };
}
