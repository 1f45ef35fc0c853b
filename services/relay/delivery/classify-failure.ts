/**
 * What a failed delivery says about the subscriber, which decides how the stream goes on:
 * - `unavailable`: the subscriber could not take the batch right now (it is down, restarting,
 *   overloaded or behind a failing gateway). Nothing is wrong with the events: retry the same batch
 *   after a backoff, for as long as it takes.
 * - `failing`: the subscriber broke while handling the batch (a 5xx other than the gateway ones, or
 *   no answer in time). It may be the subscriber or one event it chokes on, so the batch is narrowed
 *   towards its head (the events before the culprit get through), but never parked: the fault may be
 *   the subscriber's, and parking would send that order's later events ahead of it.
 * - `unauthorized`: 401/403, the signing secret (or a key in front of the subscriber) is wrong. No
 *   event is at fault; the stream waits and retries slowly until an operator fixes the secret.
 * - `refused`: any other 4xx, a refusal of these events. The batch is narrowed to its head, and the
 *   head alone is parked as a dead letter after RELAY_RETRY_MAX_ATTEMPTS refusals.
 * - `gone`: 410, the endpoint was retired; the subscription is disabled.
 */
export type FailureClass = 'unavailable' | 'failing' | 'unauthorized' | 'refused' | 'gone';

export type FailedDelivery =
  { kind: 'network-error'; timedOut: boolean } | { kind: 'response'; status: number };

/** Statuses that mean "not now" rather than "not this": the same batch will do later. */
const UNAVAILABLE_STATUSES = new Set([408, 425, 429, 502, 503, 504]);

/** 401/403: the subscriber does not accept the relay's credentials (the secret, a key in front of it). */
export function isUnauthorizedStatus(status: number | null): boolean {
  return status === 401 || status === 403;
}

export function classifyFailure(failure: FailedDelivery): FailureClass {
  if (failure.kind === 'network-error') return failure.timedOut ? 'failing' : 'unavailable';
  const { status } = failure;
  if (UNAVAILABLE_STATUSES.has(status)) return 'unavailable';
  if (isUnauthorizedStatus(status)) return 'unauthorized';
  if (status === 410) return 'gone';
  if (status >= 400 && status < 500) return 'refused';
  // 5xx, and anything else that is neither a success nor a client error (1xx, 3xx: the endpoint is
  // misconfigured, which a retry after a fix resolves).
  return 'failing';
}
