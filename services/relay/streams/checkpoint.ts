/**
 * Terminology (DESIGN 4):
 * - stream: one subscription's ordered view of the outbox, in (tx_id, position) order.
 * - checkpoint: the (tx_id, position) of the last event the stream is done with (delivered,
 *   skipped as a type the subscription does not take, or parked). Reading resumes after it.
 * - fence: `tx_id < pg_snapshot_xmin(pg_current_snapshot())`. Rows of transactions that may still
 *   be running are never read, so a transaction that took a low position and commits late is not
 *   skipped: the stream waits for it instead.
 * - dead letter: an event parked after its last retry, so the stream can go on.
 * - lease: the right, renewed by heartbeat, of one relay instance to drive a stream.
 */
export type Checkpoint = { txId: string; position: string };

/** The very start of every stream: before any transaction id and position. */
export const STREAM_START: Checkpoint = { txId: '0', position: '0' };

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.position}@tx${checkpoint.txId}`;
}
