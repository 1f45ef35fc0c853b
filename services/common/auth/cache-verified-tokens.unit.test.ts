import { describe, expect, it } from '@jest/globals';
import { cacheVerifiedTokens } from './cache-verified-tokens.js';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.js';

/** A verifier that counts its calls: tokens starting "good" verify, expiring at `expiresAt`. */
function countingVerifier(expiresAt: Date) {
  const calls: string[] = [];
  const verify: TokenVerifier = (token) => {
    calls.push(token);
    if (!token.startsWith('good')) return Promise.reject(new InvalidTokenError('bad'));
    return Promise.resolve({
      caller: { subject: token, scopes: new Set(['orders:read']), authenticated: true },
      expiresAt,
    });
  };
  return { verify, calls };
}

describe('the verified-token cache', () => {
  const start = new Date('2026-11-29T12:00:00Z');

  it('checks a token once and answers the same token from memory after that', async () => {
    const { verify, calls } = countingVerifier(new Date(start.getTime() + 3_600_000));
    const cached = cacheVerifiedTokens(verify, { clock: () => start });
    const first = await cached('good-1');
    const second = await cached('good-1');
    expect(second).toBe(first);
    expect(calls).toEqual(['good-1']);
  });

  it('checks again once the cache age has passed, and never trusts a token past its expiry', async () => {
    let now = start;
    const expiresAt = new Date(start.getTime() + 30_000);
    const { verify, calls } = countingVerifier(expiresAt);
    const cached = cacheVerifiedTokens(verify, { clock: () => now, maxAgeMs: 60_000 });
    await cached('good-1');
    now = new Date(start.getTime() + 29_000);
    await cached('good-1');
    expect(calls).toHaveLength(1);
    now = new Date(start.getTime() + 30_000);
    await cached('good-1');
    expect(calls).toHaveLength(2);
  });

  it('never remembers a refusal', async () => {
    const { verify, calls } = countingVerifier(new Date(start.getTime() + 3_600_000));
    const cached = cacheVerifiedTokens(verify, { clock: () => start });
    await expect(cached('forged')).rejects.toThrow(InvalidTokenError);
    await expect(cached('forged')).rejects.toThrow(InvalidTokenError);
    expect(calls).toEqual(['forged', 'forged']);
  });

  it('forgets the oldest token when full', async () => {
    const { verify, calls } = countingVerifier(new Date(start.getTime() + 3_600_000));
    const cached = cacheVerifiedTokens(verify, { clock: () => start, maxEntries: 2 });
    await cached('good-1');
    await cached('good-2');
    await cached('good-3');
    await cached('good-2');
    await cached('good-1');
    expect(calls).toEqual(['good-1', 'good-2', 'good-3', 'good-1']);
  });
});
