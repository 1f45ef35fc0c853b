import type { Request, RequestHandler } from 'express';
import type { Clock } from '../../common/clock.js';
import { HttpProblem } from '../../common/http/problem.js';
import { CSRF_HEADER, SESSION_COOKIE, type AdminCredentials } from './admin-credentials.js';
import { isLoopbackHost } from './loopback.js';
import { consoleAssets } from './console-assets.js';

/** Probes an orchestrator sends without credentials; they say nothing but "up" and "ready". */
const PROBES = new Set(['/healthz', '/readyz']);
/** What the sign-in page itself needs before there is a session (no data in any of it). */
const SIGN_IN = new Set(['/sign-in', '/console/console.css', '/console/sign-in.js']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function bearer(req: Request): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The host part of a Host header or an Origin's authority: "[::1]:3005" → "[::1]". */
const hostName = (authority: string) => authority.replace(/:\d+$/, '');

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" (a sandboxed frame, a file) is no origin of ours
  }
}

const wantsPage = (req: Request) => req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');

/**
 * In front of every route of the admin port:
 * 1. Bound to loopback, it answers only requests addressed to a loopback name, so a web page whose
 *    domain an attacker re-points at 127.0.0.1 (DNS rebinding) cannot read or change anything.
 * 2. With a token configured, every request but the health probes and the sign-in page carries it
 *    (bearer header) or the session cookie that signing in sets; a browser without either gets
 *    the sign-in page with 401, anything else a 401 problem.
 * 3. A change (any method but GET/HEAD/OPTIONS) from a browser must carry the CSRF token in a
 *    header, which a page of another origin can neither read nor send, and an Origin, when sent,
 *    must be this one. A bearer token is never sent by a browser on its own, so requests
 *    carrying one need no CSRF token.
 */
export function adminGuard(options: {
  credentials: AdminCredentials;
  boundHost: string;
  clock: Clock;
}): RequestHandler {
  const { credentials, clock } = options;
  const loopbackOnly = isLoopbackHost(options.boundHost);
  return (req, res, next) => {
    if (loopbackOnly && !isLoopbackHost(hostName(req.headers.host ?? ''))) {
      next(
        new HttpProblem(403, 'This admin port answers requests addressed to this machine only (127.0.0.1).', {
          type: '/problems/admin-host-refused',
        }),
      );
      return;
    }
    if (PROBES.has(req.path)) {
      next();
      return;
    }
    const token = bearer(req);
    const byToken = token !== undefined && credentials.isToken(token);
    const session = cookie(req, SESSION_COOKIE);
    const bySession = session !== undefined && credentials.isSession(session, clock());
    if (credentials.required && !byToken && !bySession && !SIGN_IN.has(req.path)) {
      if (wantsPage(req)) {
        res.status(401).type('html').send(consoleAssets().signInPage);
        return;
      }
      next(
        new HttpProblem(
          401,
          'This admin port needs RELAY_ADMIN_TOKEN: send it as a bearer token, or sign in.',
          {
            headers: { 'WWW-Authenticate': 'Bearer realm="relay-admin"' },
          },
        ),
      );
      return;
    }
    if (!SAFE_METHODS.has(req.method) && !byToken) {
      const origin = req.headers.origin;
      if (origin !== undefined && !isSameOrigin(origin, req.headers.host)) {
        next(new HttpProblem(403, 'Cross-origin change refused.', { type: '/problems/csrf' }));
        return;
      }
      // Signing in needs no CSRF token (there is no session yet to read it with): it changes
      // nothing but the caller's own cookie, and only for whoever knows the token.
      const csrf = req.headers[CSRF_HEADER];
      if (req.path !== '/sign-in' && (typeof csrf !== 'string' || !credentials.isCsrfToken(csrf))) {
        next(
          new HttpProblem(403, `A change needs the ${CSRF_HEADER} header (GET /api/session gives it).`, {
            type: '/problems/csrf',
          }),
        );
        return;
      }
    }
    next();
  };
}
