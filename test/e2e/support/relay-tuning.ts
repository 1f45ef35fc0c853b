/**
 * Relay settings (services/relay/config.ts) that let the scenarios converge in seconds, not minutes:
 * a shorter backoff only. The number of attempts stays the default, as users run it (an outage or a
 * 503 is retried for as long as it takes; only refusals count towards parking). The soak
 * (test/soak) runs every fault at once with no tuning at all.
 */
export const FAST_RETRIES: Record<string, string> = {
  RELAY_RETRY_BASE_MS: '100',
  RELAY_RETRY_CAP_MS: '1000',
};

/** For the poison scenario: give up on an event quickly, so it becomes a dead letter. */
export const IMPATIENT_RELAY: Record<string, string> = { ...FAST_RETRIES, RELAY_RETRY_MAX_ATTEMPTS: '3' };
