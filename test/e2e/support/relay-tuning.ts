/** Relay settings (services/relay/config.ts) that let the scenarios converge in seconds, not minutes. */
export const FAST_RETRIES: Record<string, string> = {
  RELAY_RETRY_BASE_MS: '100',
  RELAY_RETRY_CAP_MS: '1000',
};

/**
 * For scenarios where deliveries fail on purpose and must still all arrive: no dead letters. 100
 * attempts at a 1 s cap outlast a 10 s outage many times over, and 30% failures 100 times in a row
 * do not happen; a modest number also stays within any sane upper bound the relay's config sets.
 */
export const PATIENT_RELAY: Record<string, string> = { ...FAST_RETRIES, RELAY_RETRY_MAX_ATTEMPTS: '100' };

/** For the poison scenario: give up on an event quickly, so it becomes a dead letter. */
export const IMPATIENT_RELAY: Record<string, string> = { ...FAST_RETRIES, RELAY_RETRY_MAX_ATTEMPTS: '3' };
