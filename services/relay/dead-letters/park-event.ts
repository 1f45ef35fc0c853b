import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { deadLetterRow, type LetterFailure } from './dead-letter-row.js';
import { advanceCheckpoint } from '../streams/advance-checkpoint.js';
import type { Checkpoint } from '../streams/checkpoint.js';
import type { StreamKey } from '../streams/partition.js';
import type { StreamEvent } from '../streams/read-stream-batch.js';

export type ParkedFailure = LetterFailure;

/**
 * Parks the event at the head of a stream as a dead letter and moves the checkpoint past it, in one
 * transaction: either the event is parked and the stream goes on, or neither happens. False (and
 * nothing written) when the owner lost the stream or the checkpoint moved.
 */
export async function parkEvent(
  trx: Transaction<DB>,
  stream: StreamKey,
  owner: string,
  from: Checkpoint,
  event: StreamEvent,
  failure: ParkedFailure,
): Promise<boolean> {
  // Go on one event at a time: the events behind a parked one often fail the same way (an endpoint
  // that is down), and successes widen the batch again.
  const moved = await advanceCheckpoint(
    trx,
    stream,
    owner,
    from,
    { txId: event.txId, position: event.position },
    1,
  );
  if (!moved) return false;
  await trx
    .insertInto('dead_letters')
    .values(deadLetterRow(stream, event, failure, false))
    // Parked again after a rewind: the row describes the latest failure.
    .onConflict((oc) =>
      oc.columns(['subscription_name', 'event_id']).doUpdateSet((eb) => ({
        error: eb.ref('excluded.error'),
        status_code: eb.ref('excluded.status_code'),
        attempts: eb.ref('excluded.attempts'),
        first_attempt_at: eb.ref('excluded.first_attempt_at'),
        last_attempt_at: eb.ref('excluded.last_attempt_at'),
        parked_at: eb.ref('excluded.parked_at'),
        held: false,
        replay_requested_at: null,
        replayed_at: null,
      })),
    )
    .execute();
  return true;
}
