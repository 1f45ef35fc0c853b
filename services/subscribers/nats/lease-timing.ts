/**
 * How the partition lease relates to JetStream's ack wait (the proof is in
 * docs/decisions/nats-partition-leases.md):
 * - a pull waits at most `pullWaitMs` for a first message;
 * - a pull may only start while the lease has `pullMarginMs` (ack wait + pull wait + 1 s) left, so
 *   that every message it receives is acknowledged, or due for redelivery, before the lease can
 *   run out and another instance take it;
 * - the lease lasts `leaseTtlMs` (twice the ack wait plus the pull wait), renewed every third of the
 *   ack wait: about two renewals can fail before pulling pauses, and a dead instance's partitions
 *   are taken over within one lease.
 */
export type LeaseTiming = {
  ackWaitMs: number;
  pullWaitMs: number;
  pullMarginMs: number;
  leaseTtlMs: number;
  renewEveryMs: number;
};

export function leaseTiming(ackWaitMs: number): LeaseTiming {
  const pullWaitMs = Math.min(5_000, Math.max(1_000, Math.round(ackWaitMs / 3)));
  const pullMarginMs = ackWaitMs + pullWaitMs + 1_000;
  return {
    ackWaitMs,
    pullWaitMs,
    pullMarginMs,
    leaseTtlMs: 2 * ackWaitMs + pullWaitMs + 2_000,
    renewEveryMs: Math.max(250, Math.round(ackWaitMs / 3)),
  };
}
