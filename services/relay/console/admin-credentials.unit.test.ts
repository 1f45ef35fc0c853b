import { describe, expect, it } from '@jest/globals';
import { adminCredentials, SESSION_MAX_AGE_MS } from './admin-credentials.js';

const TOKEN = 'unit-test-admin-token-0123456789abcdef';
const now = new Date('2026-11-30T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('the admin credentials', () => {
  it('accept the token and a session issued with it, for 12 hours only', () => {
    const credentials = adminCredentials(TOKEN);
    const session = credentials.newSession(now);
    expect(session).not.toContain(TOKEN);
    expect(credentials.isToken(TOKEN)).toBe(true);
    expect(credentials.isToken(TOKEN.slice(0, -1))).toBe(false);
    expect(credentials.isToken(`${TOKEN}x`)).toBe(false);
    expect(credentials.isToken('')).toBe(false);
    expect(credentials.isSession(session, later(SESSION_MAX_AGE_MS - 1))).toBe(true);
    expect(credentials.isSession(session, later(SESSION_MAX_AGE_MS))).toBe(false);
    // Issued "in the future" (a forged time): refused.
    expect(credentials.isSession(session, later(-1))).toBe(false);
  });

  it('refuse a session whose time was changed, or one made with another token', () => {
    const credentials = adminCredentials(TOKEN);
    const [, mac] = credentials.newSession(now).split('.');
    expect(credentials.isSession(`${now.getTime() + 60_000}.${mac}`, later(120_000))).toBe(false);
    const other = adminCredentials('another-admin-token-0123456789abcdef').newSession(now);
    expect(credentials.isSession(other, now)).toBe(false);
    expect(credentials.isSession('garbage', now)).toBe(false);
  });

  it('without a token accept no session, and still have a CSRF token no other process shares', () => {
    const credentials = adminCredentials(undefined);
    expect(credentials.required).toBe(false);
    expect(credentials.isSession(credentials.newSession(now), now)).toBe(false);
    expect(credentials.isCsrfToken(credentials.csrfToken)).toBe(true);
    expect(adminCredentials(undefined).csrfToken).not.toBe(credentials.csrfToken);
  });
});
