/**
 * Terminology:
 * - stream: one subscription's ordered view of the outbox, in (tx_id, position) order.
 * - checkpoint: the (tx_id, position) of the last event the stream is done with (delivered,
 *   skipped as a type the subscription does not take, or parked). Reading resumes after it.
 * - fence: `tx_id < outbox_fence()` (see fence.ts): the oldest transaction still running that is not
 *   known to belong to another database of the server. Rows of transactions that may still be
 *   running are never read, so a transaction that took a low position and commits late is not
 *   skipped: the stream waits for it instead. The fence is held when rows after a stream's
 *   checkpoint exist at or above it.
 * - dead letter: an event parked after its last retry, so the stream can go on.
 * - lease: the right, renewed by heartbeat, of one relay instance to drive a stream.
 */
export type Checkpoint = { txId: string; position: string };

/** The very start of every stream: before any transaction id and position. */
export const STREAM_START: Checkpoint = { txId: '0', position: '0' };

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.position}@tx${checkpoint.txId}`;
}
