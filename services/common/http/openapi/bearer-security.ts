import type { Scope } from '../../auth/scopes.js';
import { problem } from './responses.js';

/** The name under components.securitySchemes that operations refer to. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * RFC 6750 bearer tokens, JWTs signed by the identity provider (see services/common/auth). OpenAPI
 * 3.1 lets a non-OAuth scheme list the roles an operation needs: here, its one scope.
 */
export const bearerSecuritySchemes = {
  [BEARER_SCHEME]: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A JWT in `Authorization: Bearer <token>`, its `scope` claim listing the scopes granted. ' +
      'Each operation names the one scope it needs.',
  },
};

/** Open routes (health, readiness, metrics, this document) and signed deliveries take no token. */
export const noToken = { security: [] as unknown[] };

const wwwAuthenticate = {
  'WWW-Authenticate': {
    description: 'The bearer challenge (RFC 6750), with error and error_description when a token was refused',
    schema: { type: 'string' },
  },
};

/** The responses every token-guarded operation can give before its own logic runs. */
export const authProblems = {
  '401': {
    ...problem('No bearer token, or one that is malformed, expired or not signed by a trusted key'),
    headers: wwwAuthenticate,
  },
  '403': {
    ...problem('The token lacks the scope this operation needs (type /problems/insufficient-scope)'),
    headers: wwwAuthenticate,
  },
};

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
    security: [{ [BEARER_SCHEME]: [scope] }],
    responses: { ...operation.responses, ...authProblems },
  };
}
