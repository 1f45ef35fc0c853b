import type { Selectable } from 'kysely';
import type { DeadLetters } from '../../common/db/database.js';
import type { StreamEvent } from '../streams/read-stream-batch.js';
import { toOutboxEvent } from '../../common/events/outbox-event.js';

/**
 * `parked`: failed and set aside; `held`: never attempted, it waits behind an earlier dead letter of
 * the same order (so that the subscriber sees that order's events in order); `replay-requested`:
 * an operator asked for it (and its order's followers) to be delivered again; `replayed`: delivered.
 */
export type DeadLetterState = 'parked' | 'held' | 'replay-requested' | 'replayed';

export type DeadLetter = {
  id: string;
  subscription: string;
  /** The partition of the subscription whose stream parked or held it. */
  partition: number;
  state: DeadLetterState;
  /** Waits behind an earlier dead letter of the same order; it was never attempted. */
  held: boolean;
  event: StreamEvent;
  error: string;
  statusCode: number | null;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  parkedAt: Date;
  replayRequestedAt: Date | null;
  replayedAt: Date | null;
};

export type DeadLetterRow = Omit<Selectable<DeadLetters>, 'tx_id'> & { tx_id: string };

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: String(row.id),
    subscription: row.subscription_name,
    partition: row.partition,
    state: row.replayed_at
      ? 'replayed'
      : row.replay_requested_at
        ? 'replay-requested'
        : row.held
          ? 'held'
          : 'parked',
    held: row.held,
    event: { txId: row.tx_id, ...toOutboxEvent(row) },
    error: row.error,
    statusCode: row.status_code,
    attempts: row.attempts,
    firstAttemptAt: row.first_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    parkedAt: row.parked_at,
    replayRequestedAt: row.replay_requested_at,
    replayedAt: row.replayed_at,
  };
}
