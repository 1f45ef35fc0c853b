import type { RequestHandler } from 'express';
import { HttpProblem } from '../http/problem.js';
import { callerOf, hasScope } from './caller.js';
import type { Scope } from './scopes.js';

/**
 * Refuses with 403 (and the RFC 6750 insufficient_scope challenge) unless the caller's token
 * carries `scope`. Nothing behind it runs, so nothing is written.
 */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    if (hasScope(callerOf(res), scope)) {
      next();
      return;
    }
    next(insufficientScope(scope));
  };
}

export function insufficientScope(scope: Scope): HttpProblem {
  return new HttpProblem(403, `This needs a token with the scope ${scope}.`, {
    type: '/problems/insufficient-scope',
    title: 'Insufficient scope',
    headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    extensions: { requiredScope: scope },
  });
}
