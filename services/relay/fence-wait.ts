/**
 * How long a stream waits before it looks again while rows sit behind the fence (a transaction of
 * this database that began before theirs is still running, or their own has not committed yet).
 * The NOTIFY for those rows may be spent, so the stream looks again on its own.
 *
 * - For the first FAST_PHASE_MS of being held: 1, 2, 4, 8 ms, then every 8 ms. Nearly always the
 *   holder is an order or a subscriber batch that commits within milliseconds; growing to the poll
 *   interval at once put 50-100 ms on the median end-to-end latency at 200 orders/s, where some
 *   transaction is nearly always running. Each look is one indexed query.
 * - After that, doubling from 16 ms up to the poll interval: a transaction held open for minutes
 *   (a psql session idle in transaction, a long batch) then costs about one look a poll interval
 *   instead of over a hundred a second.
 */
export type FenceWait = {
  /** When the stream first found rows behind the fence, this time (clock ms). */
  heldSinceMs: number;
  /** The wait chosen last. */
  ms: number;
};

export const FAST_PHASE_MS = 100;
const FAST_CAP_MS = 8;

/** The next wait, given the last one (undefined: the fence was not held at the previous look). */
export function nextFenceWait(previous: FenceWait | undefined, nowMs: number, pollMs: number): FenceWait {
  if (!previous) return { heldSinceMs: nowMs, ms: Math.min(pollMs, 1) };
  const heldForMs = nowMs - previous.heldSinceMs;
  const ms =
    heldForMs < FAST_PHASE_MS
      ? Math.min(pollMs, FAST_CAP_MS, previous.ms * 2)
      : Math.min(pollMs, Math.max(FAST_CAP_MS, previous.ms) * 2);
  return { heldSinceMs: previous.heldSinceMs, ms };
}
