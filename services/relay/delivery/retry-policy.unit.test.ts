import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { baseMs: 100, capMs: 1_000, maxAttempts: 5, retryAfterMaxMs: 60_000 };

describe('the retry policy', () => {
  it('draws the backoff uniformly below an exponentially growing, capped ceiling (full jitter)', () => {
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelayMs(policy, 3, () => 0.5)).toBe(200);
    expect(backoffDelayMs(policy, 4, () => 0.999)).toBe(799);
    expect(backoffDelayMs(policy, 20, () => 0.999)).toBe(999);
  });

  it('prefers what Retry-After asks for, up to its own cap', () => {
    expect(retryDelayMs(policy, 1, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(policy, 1, 3_600_000, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(policy, 2, undefined, () => 0.5)).toBe(100);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores nonsense', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
