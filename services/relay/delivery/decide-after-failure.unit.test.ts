import { describe, expect, it } from '@jest/globals';
import type { FailureClass } from './classify-failure.js';
import {
  decideAfterFailure,
  type FailureContext,
  type FailureDecision,
  type FailurePolicy,
} from './decide-after-failure.js';

const policy: FailurePolicy = {
  baseMs: 100,
  capMs: 10_000,
  maxAttempts: 8,
  retryAfterMaxMs: 60_000,
  parkAfterMs: null,
};
const now = new Date('2026-11-29T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const half = () => 0.5;

const context = (overrides: Partial<FailureContext> = {}): FailureContext => ({
  batchLength: 1,
  batchLimit: null,
  batchAttempts: 0,
  failedAttempts: 0,
  firstFailedAt: null,
  retryAfterMs: undefined,
  ...overrides,
});

const retry = (batchLimit: number | null, batchAttempts: number, delayMs: number, narrowed = false) =>
  ({ kind: 'retry', batchLimit, batchAttempts, delayMs, narrowed }) satisfies FailureDecision;

describe('what a stream does after a failed delivery', () => {
  const table: [string, FailureClass, FailureContext, FailurePolicy, FailureDecision][] = [
    // An outage: the same batch again, backoff growing with consecutive failures, never parked.
    [
      'unavailable, full batch: same batch',
      'unavailable',
      context({ batchLength: 1_000 }),
      policy,
      retry(null, 0, 50),
    ],
    [
      'unavailable, 3rd failure: backoff grows',
      'unavailable',
      context({ batchLength: 1_000, failedAttempts: 2 }),
      policy,
      retry(null, 0, 200),
    ],
    [
      'unavailable for an hour, single event, 1,000th failure: still a retry at the cap',
      'unavailable',
      context({ failedAttempts: 999, batchAttempts: 7, firstFailedAt: minutesAgo(60) }),
      policy,
      retry(null, 7, 5_000),
    ],
    [
      'unavailable with Retry-After: what the subscriber asked for',
      'unavailable',
      context({ batchLength: 10, retryAfterMs: 30_000 }),
      policy,
      retry(null, 0, 30_000),
    ],
    [
      'unavailable with a huge Retry-After: cut to its cap',
      'unavailable',
      context({ retryAfterMs: 86_400_000 }),
      policy,
      retry(null, 0, 60_000),
    ],
    [
      'unavailable keeps a narrowed batch narrowed',
      'unavailable',
      context({ batchLength: 4, batchLimit: 4 }),
      policy,
      retry(4, 0, 50),
    ],
    // Failing (5xx, timeout): narrowed towards the head, but never parked.
    [
      'failing, 1,000 events: halved',
      'failing',
      context({ batchLength: 1_000 }),
      policy,
      retry(500, 0, 50, true),
    ],
    [
      'failing, 3 events: 2',
      'failing',
      context({ batchLength: 3, batchLimit: 3 }),
      policy,
      retry(2, 0, 50, true),
    ],
    [
      'failing, single event, 50th failure: retried, not parked',
      'failing',
      context({ batchLimit: 1, failedAttempts: 49, batchAttempts: 3 }),
      policy,
      retry(1, 3, 5_000),
    ],
    // The optional age limit parks an outage's head, off by default.
    [
      'age limit set and outlived, single event: parked',
      'unavailable',
      context({ batchLimit: 1, firstFailedAt: minutesAgo(31) }),
      { ...policy, parkAfterMs: 30 * 60_000 },
      { kind: 'park' },
    ],
    [
      'age limit set and outlived, a batch: narrowed first',
      'unavailable',
      context({ batchLength: 8, firstFailedAt: minutesAgo(31) }),
      { ...policy, parkAfterMs: 30 * 60_000 },
      retry(4, 0, 50, true),
    ],
    [
      'age limit set, not yet outlived: retried',
      'failing',
      context({ firstFailedAt: minutesAgo(29) }),
      { ...policy, parkAfterMs: 30 * 60_000 },
      retry(null, 0, 50),
    ],
    // A wrong secret: slow retries of the same batch, never parked, whatever the age limit.
    [
      'unauthorized: same batch, between half the cap and the cap',
      'unauthorized',
      context({ batchLength: 1_000 }),
      policy,
      retry(null, 0, 7_500),
    ],
    [
      'unauthorized for hours with an age limit: still not parked',
      'unauthorized',
      context({ failedAttempts: 500, firstFailedAt: minutesAgo(600) }),
      { ...policy, parkAfterMs: 60_000 },
      retry(null, 0, 7_500),
    ],
    // A refusal of the events: narrowed fast, then counted, then parked.
    [
      'refused, 1,000 events: halved',
      'refused',
      context({ batchLength: 1_000, failedAttempts: 5 }),
      policy,
      retry(500, 0, 50, true),
    ],
    [
      'refused, 2 events: the head alone',
      'refused',
      context({ batchLength: 2, batchLimit: 2 }),
      policy,
      retry(1, 0, 50, true),
    ],
    ['refused, single event, 1st refusal', 'refused', context({ batchLimit: 1 }), policy, retry(1, 1, 50)],
    [
      'refused, single event, 7th refusal',
      'refused',
      context({ batchLimit: 1, batchAttempts: 6 }),
      policy,
      retry(1, 7, 3_200),
    ],
    [
      'refused, single event, 8th refusal: parked',
      'refused',
      context({ batchLimit: 1, batchAttempts: 7 }),
      policy,
      { kind: 'park' },
    ],
    ['gone: disabled', 'gone', context({ batchLength: 1_000 }), policy, { kind: 'disable' }],
  ];

  it.each(table)('%s', (_name, failure, ctx, withPolicy, expected) => {
    expect(decideAfterFailure(failure, ctx, withPolicy, now, half)).toEqual(expected);
  });

  it('never parks a transient or unauthorized failure under the default policy, however long it lasts', () => {
    for (const failure of ['unavailable', 'failing', 'unauthorized'] as const)
      for (const failedAttempts of [0, 7, 8, 100, 10_000]) {
        const decision = decideAfterFailure(
          failure,
          context({ batchLimit: 1, failedAttempts, batchAttempts: 7, firstFailedAt: minutesAgo(10_000) }),
          policy,
          now,
          Math.random,
        );
        expect(decision.kind).toBe('retry');
      }
  });

  it('keeps every delay within the cap, or within the Retry-After cap when the subscriber asked', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const plain = decideAfterFailure(
        'unavailable',
        context({ failedAttempts: attempt }),
        policy,
        now,
        () => 0.999,
      );
      expect(plain.kind === 'retry' && plain.delayMs).toBeLessThan(policy.capMs);
    }
  });
});
