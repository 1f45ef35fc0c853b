import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What the admin port accepts as proof of the operator, derived from `RELAY_ADMIN_TOKEN`:
 * - the token itself, as `Authorization: Bearer <token>` (scripts, curl, Prometheus);
 * - a session cookie, `<issued at>.<HMAC of the token and that time>`, which signing in sets and
 *   which lasts SESSION_MAX_AGE_MS: the token never sits in a cookie, a copied cookie stops working
 *   after that, and changing the token ends every session;
 * - a CSRF token the page sends in a header with every change. Without an admin token (loopback
 *   only) the CSRF token still guards changes, keyed by a random key of this process.
 */
export type AdminCredentials = {
  /** True when a token is configured: every request but the probes and sign-in must carry proof. */
  readonly required: boolean;
  isToken(candidate: string): boolean;
  /** A new session cookie's value, issued `now`. */
  newSession(now: Date): string;
  isSession(candidate: string, now: Date): boolean;
  readonly csrfToken: string;
  isCsrfToken(candidate: string): boolean;
};

export const SESSION_COOKIE = 'outbox_console';
export const SESSION_MAX_AGE_MS = 12 * 3_600_000;
export const CSRF_HEADER = 'x-csrf-token';

const derive = (key: string | Buffer, purpose: string) =>
  createHmac('sha256', key).update(purpose).digest('base64url');

function sameText(candidate: string, expected: string): boolean {
  const given = Buffer.from(candidate);
  const wanted = Buffer.from(expected);
  // timingSafeEqual throws on unequal lengths; the length of a derived value (a digest, an HMAC)
  // is public anyway.
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

const tokenDigest = (text: string) => createHash('sha256').update(text).digest('base64url');

export function adminCredentials(token: string | undefined): AdminCredentials {
  const key = token ?? randomBytes(32);
  const sessionFor = (issuedAt: number) => `${issuedAt}.${derive(key, `outbox console session ${issuedAt}`)}`;
  const csrfToken = derive(key, 'outbox console csrf');
  return {
    required: token !== undefined,
    // Compared as digests of equal length, so that the time taken says nothing of the token's length.
    isToken: (candidate) => token !== undefined && sameText(tokenDigest(candidate), tokenDigest(token)),
    newSession: (now) => sessionFor(now.getTime()),
    isSession: (candidate, now) => {
      if (token === undefined) return false;
      const issuedAt = Number(candidate.slice(0, candidate.indexOf('.')));
      const age = now.getTime() - issuedAt;
      return (
        Number.isSafeInteger(issuedAt) &&
        age >= 0 &&
        age < SESSION_MAX_AGE_MS &&
        sameText(candidate, sessionFor(issuedAt))
      );
    },
    csrfToken,
    isCsrfToken: (candidate) => sameText(candidate, csrfToken),
  };
}
