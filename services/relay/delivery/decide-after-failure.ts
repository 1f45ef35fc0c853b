import type { FailureClass } from './classify-failure.js';
import { retryDelayMs, type RetryPolicy } from './retry-policy.js';

export type FailurePolicy = RetryPolicy & {
  /**
   * Park a single event that has failed transiently (unavailable or failing) for this long since
   * the stream's first failure at its checkpoint; null (the default) never parks on an outage.
   */
  parkAfterMs: number | null;
};

/** The stream's retry state at the moment a delivery failed. */
export type FailureContext = {
  /** Events in the request that failed. */
  batchLength: number;
  /** The stream's narrowed batch size (null: the full size). */
  batchLimit: number | null;
  /** Refusals of the single event at the head so far (what parking counts). */
  batchAttempts: number;
  /** Failed requests since the checkpoint last moved, this one not included (what backoff counts). */
  failedAttempts: number;
  /** First failure since the checkpoint last moved; null when this is the first. */
  firstFailedAt: Date | null;
  /** What the subscriber asked for in Retry-After, in ms. */
  retryAfterMs: number | undefined;
};

export type FailureDecision =
  | { kind: 'disable' }
  | { kind: 'park' }
  | { kind: 'retry'; batchLimit: number | null; batchAttempts: number; delayMs: number; narrowed: boolean };

/**
 * What a stream does after a failed delivery: retry the same batch, narrow it (halve it, keeping
 * its head, so that a culprit ends up alone), park its single event as a dead letter, or disable
 * the subscription. Pure, so the whole table is tested without a database or a network.
 */
export function decideAfterFailure(
  failure: FailureClass,
  context: FailureContext,
  policy: FailurePolicy,
  now: Date,
  random: () => number,
): FailureDecision {
  const single = context.batchLength <= 1;
  const narrowedLimit = Math.ceil(context.batchLength / 2);
  const consecutive = context.failedAttempts + 1;
  const backoff = (attempt: number) => retryDelayMs(policy, attempt, context.retryAfterMs, random);

  switch (failure) {
    case 'gone':
      return { kind: 'disable' };
    case 'unauthorized':
      // No event is at fault and nothing changes until someone fixes the secret: keep the batch and
      // knock at the pace of the backoff's cap, with jitter so that streams do not knock together.
      return {
        kind: 'retry',
        batchLimit: context.batchLimit,
        batchAttempts: context.batchAttempts,
        delayMs: Math.max(backoff(consecutive), unauthorizedDelayMs(policy, random)),
        narrowed: false,
      };
    case 'unavailable':
    case 'failing': {
      if (outageOutlived(context, policy, now)) {
        if (single) return { kind: 'park' };
        return narrow(narrowedLimit, backoff(consecutive));
      }
      if (failure === 'failing' && !single) return narrow(narrowedLimit, backoff(consecutive));
      return {
        kind: 'retry',
        batchLimit: context.batchLimit,
        batchAttempts: context.batchAttempts,
        delayMs: backoff(consecutive),
        narrowed: false,
      };
    }
    case 'refused': {
      // Narrow quickly (the first backoff step): the events ahead of the refused one are fine.
      if (!single) return narrow(narrowedLimit, backoff(1));
      const attempts = context.batchAttempts + 1;
      if (attempts >= policy.maxAttempts) return { kind: 'park' };
      return {
        kind: 'retry',
        batchLimit: 1,
        batchAttempts: attempts,
        delayMs: backoff(attempts),
        narrowed: false,
      };
    }
  }
}

function narrow(batchLimit: number, delayMs: number): FailureDecision {
  return { kind: 'retry', batchLimit, batchAttempts: 0, delayMs, narrowed: true };
}

/** Between half the cap and the cap: slow, but an operator's fix is picked up within a minute by default. */
export function unauthorizedDelayMs(policy: RetryPolicy, random: () => number): number {
  return Math.floor(policy.capMs / 2 + random() * (policy.capMs / 2));
}

function outageOutlived(context: FailureContext, policy: FailurePolicy, now: Date): boolean {
  if (policy.parkAfterMs === null) return false;
  const since = context.firstFailedAt ?? now;
  return now.getTime() - since.getTime() >= policy.parkAfterMs;
}
