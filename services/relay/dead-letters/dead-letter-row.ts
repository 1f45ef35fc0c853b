import { sql, type InsertObject } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { StreamKey } from '../streams/partition.js';
import type { StreamEvent } from '../streams/read-stream-batch.js';

export type LetterFailure = {
  error: string;
  statusCode: number | null;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
};

/**
 * The row of a dead letter: a copy of the event (the outbox purge may delete the original), why, and
 * the stream (subscription and partition) it belongs to.
 */
export function deadLetterRow(
  stream: StreamKey,
  event: StreamEvent,
  failure: LetterFailure,
  held: boolean,
): InsertObject<DB, 'dead_letters'> {
  return {
    subscription_name: stream.subscription,
    partition: stream.partition,
    event_id: event.eventId,
    position: event.position,
    tx_id: sql`${event.txId}::xid8`,
    aggregate_type: event.aggregateType,
    aggregate_id: event.aggregateId,
    aggregate_version: event.aggregateVersion,
    event_type: event.eventType,
    payload: JSON.stringify(event.payload),
    metadata: JSON.stringify(event.metadata),
    occurred_at: event.occurredAt,
    error: failure.error,
    status_code: failure.statusCode,
    attempts: failure.attempts,
    first_attempt_at: failure.firstAttemptAt,
    last_attempt_at: failure.lastAttemptAt,
    parked_at: failure.lastAttemptAt,
    held,
  };
}
