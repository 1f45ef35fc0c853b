import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What the admin port accepts as proof of the operator, derived from `RELAY_ADMIN_TOKEN`:
 * - the token itself, as `Authorization: Bearer <token>` (scripts, curl, Prometheus);
 * - a session cookie holding an HMAC of the token (the browser, after signing in): the token
 *   never sits in a cookie, and changing the token ends every session;
 * - a CSRF token the page sends in a header with every change. Without an admin token (loopback
 *   only) the CSRF token still guards changes, keyed by a random key of this process.
 */
export type AdminCredentials = {
  /** True when a token is configured: every request but the probes and sign-in must carry proof. */
  readonly required: boolean;
  isToken(candidate: string): boolean;
  readonly sessionValue: string;
  isSession(candidate: string): boolean;
  readonly csrfToken: string;
  isCsrfToken(candidate: string): boolean;
};

export const SESSION_COOKIE = 'outbox_console';
export const CSRF_HEADER = 'x-csrf-token';

const derive = (key: string | Buffer, purpose: string) =>
  createHmac('sha256', key).update(purpose).digest('base64url');

function sameText(candidate: string, expected: string): boolean {
  const given = Buffer.from(candidate);
  const wanted = Buffer.from(expected);
  // timingSafeEqual throws on unequal lengths; the length of a derived value is public anyway.
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function adminCredentials(token: string | undefined): AdminCredentials {
  const key = token ?? randomBytes(32);
  const sessionValue = derive(key, 'outbox console session');
  const csrfToken = derive(key, 'outbox console csrf');
  return {
    required: token !== undefined,
    isToken: (candidate) => token !== undefined && sameText(candidate, token),
    sessionValue,
    isSession: (candidate) => token !== undefined && sameText(candidate, sessionValue),
    csrfToken,
    isCsrfToken: (candidate) => sameText(candidate, csrfToken),
  };
}
