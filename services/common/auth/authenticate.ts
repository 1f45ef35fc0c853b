import type { RequestHandler } from 'express';
import { HttpProblem } from '../http/problem.js';
import type { Logger } from '../logger.js';
import type { AuthConfig } from './auth-config.js';
import { UNAUTHENTICATED_CALLER, setCaller } from './caller.js';
import { systemClock } from '../clock.js';
import { cacheVerifiedTokens } from './cache-verified-tokens.js';
import { createTokenVerifier, InvalidTokenError, KeysUnavailableError } from './token-verifier.js';

/**
 * Express middleware that turns the request's bearer token into a Caller (see caller.ts), or
 * answers 401 with a `WWW-Authenticate` challenge (RFC 6750) when the token is missing or
 * invalid. Mounted after the open routes (health, readiness, metrics, OpenAPI), before the rest.
 * With AUTH_MODE=off every request is the unauthenticated caller, and a warning is logged once,
 * at start-up, so that an open deployment is never silent.
 */
export function authenticate(config: AuthConfig, options: { realm: string; logger: Logger }): RequestHandler {
  if (config.mode === 'off') {
    options.logger.warn(
      { authMode: 'off' },
      'AUTH_MODE=off: authentication is turned off; anyone who can reach this service can do anything through it',
    );
    return (_req, res, next) => {
      setCaller(res, UNAUTHENTICATED_CALLER);
      next();
    };
  }
  const verify = cacheVerifiedTokens(createTokenVerifier(config), { clock: systemClock });
  const challenge = (error?: string) =>
    `Bearer realm="${options.realm}"${error ? `, error="invalid_token", error_description="${error}"` : ''}`;
  return (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined) {
      next(unauthorized('The request needs a bearer token (Authorization: Bearer <token>).', challenge()));
      return;
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    if (!match) {
      next(
        unauthorized(
          'The Authorization header is not a bearer token.',
          challenge('malformed Authorization header'),
        ),
      );
      return;
    }
    verify(match[1]!).then(
      ({ caller }) => {
        setCaller(res, caller);
        next();
      },
      (error: unknown) => {
        if (error instanceof InvalidTokenError) {
          next(unauthorized(`The bearer token was refused: ${error.message}.`, challenge(error.message)));
        } else if (error instanceof KeysUnavailableError) {
          options.logger.error({ err: error.cause }, 'token signing keys could not be fetched');
          next(
            new HttpProblem(503, 'The token could not be checked right now; try again shortly.', {
              headers: { 'Retry-After': '5' },
            }),
          );
        } else {
          next(error);
        }
      },
    );
  };
}

function unauthorized(detail: string, challenge: string): HttpProblem {
  return new HttpProblem(401, detail, { headers: { 'WWW-Authenticate': challenge } });
}
