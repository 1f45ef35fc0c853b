export type RetryPolicy = {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
  /** A Retry-After longer than this is cut down to it, so a bad header cannot stall a stream for days. */
  retryAfterMaxMs: number;
};

/**
 * "Full jitter" exponential backoff: a uniformly random delay between 0 and min(cap, base * 2^(n-1))
 * after the n-th failure, so that streams failing together do not retry in lockstep.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before the next try: what the endpoint asked for in Retry-After when it did (it knows
 * its own load best), otherwise the backoff.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.retryAfterMaxMs);
  return backoffDelayMs(policy, attempt, random);
}

/** Parses Retry-After (delay-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | undefined, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
