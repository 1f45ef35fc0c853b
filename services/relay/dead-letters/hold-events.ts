import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { prepared } from '../../common/db/prepared-statements.js';
import { deadLetterRow } from './dead-letter-row.js';
import type { StreamKey } from '../streams/partition.js';
import type { StreamEvent } from '../streams/read-stream-batch.js';

/**
 * The orders among `events` that have an open (not yet replayed) dead letter in this subscription:
 * their events must wait behind it rather than overtake it. By subscription, not partition: an
 * order's events are all in one partition, so its dead letters are that partition's anyway.
 */
export async function blockedOrders(
  db: Kysely<DB>,
  subscription: string,
  events: readonly StreamEvent[],
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const ids = [...new Set(events.map((event) => event.aggregateId))];
  const { rows } = await sql<{ aggregate_id: string }>`${prepared}
    select distinct aggregate_id from dead_letters
    where subscription_name = ${subscription} and replayed_at is null
      and aggregate_id = any(${ids}::uuid[])`.execute(db);
  return new Set(rows.map((row) => row.aggregate_id));
}

const HELD_ERROR = 'held behind an earlier dead letter of the same order';

/**
 * Records events as held dead letters: not attempted, waiting behind their order's parked event.
 * An event read again after a rewind that is still an open dead letter keeps its row as it is; one
 * that was replayed before is held again (or the stream would pass it, delivered neither now nor
 * with its order's replay).
 */
export async function holdEvents(
  db: Kysely<DB>,
  stream: StreamKey,
  events: readonly StreamEvent[],
  at: Date,
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('dead_letters')
    .values(
      events.map((event) =>
        deadLetterRow(
          stream,
          event,
          { error: HELD_ERROR, statusCode: null, attempts: 0, firstAttemptAt: at, lastAttemptAt: at },
          true,
        ),
      ),
    )
    .onConflict((oc) =>
      oc
        .columns(['subscription_name', 'event_id'])
        .doUpdateSet({
          held: true,
          replayed_at: null,
          replay_requested_at: null,
          error: HELD_ERROR,
          status_code: null,
        })
        .where('dead_letters.replayed_at', 'is not', null),
    )
    .execute();
}

/**
 * Of the events just held, those whose order has no parked letter left are requested for replay at
 * once, so that the relay delivers them next. It happens when the parked letter was discarded
 * between the step's read (which found the order blocked) and its hold: nothing would ever release
 * them otherwise. Run in the hold's transaction, after the checkpoint move, which holds the stream's
 * row: a discard takes that row first (discard-dead-letters.ts), so one of the two always sees the other.
 */
export async function releaseUnblockedHeld(
  db: Kysely<DB>,
  stream: StreamKey,
  events: readonly StreamEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const result = await sql`
    update dead_letters d set replay_requested_at = now()
    where d.subscription_name = ${stream.subscription}
      and d.event_id = any(${events.map((event) => event.eventId)}::uuid[])
      and d.held and d.replayed_at is null and d.replay_requested_at is null
      and not exists (
        select from dead_letters p
        where p.subscription_name = d.subscription_name and p.aggregate_id = d.aggregate_id
          and p.replayed_at is null and not p.held)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
