import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from '../streams/checkpoint.js';
import type { StreamKey } from '../streams/partition.js';
import { toDeadLetter, type DeadLetter } from './dead-letter.js';

/**
 * The next order to replay: every open dead letter of the order whose letter an operator asked to
 * replay first (in stream order), in stream order, at most `limit`. The order's letters go together
 * because its held followers must reach the subscriber right after the parked event, never before.
 * Only this partition's letters, and only those the stream has passed (at or before its checkpoint): after a rewind, the order's
 * earlier events come first, read by the stream and held into the group ahead of the letters.
 */
export async function nextReplayGroup(
  db: Kysely<DB>,
  stream: StreamKey,
  checkpoint: Checkpoint,
  limit: number,
): Promise<DeadLetter[]> {
  const first = await db
    .selectFrom('dead_letters')
    .select('aggregate_id')
    .where('subscription_name', '=', stream.subscription)
    .where('partition', '=', stream.partition)
    .where('replay_requested_at', 'is not', null)
    .where('replayed_at', 'is', null)
    .where(sql<boolean>`(tx_id, position) <= (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)`)
    .orderBy('dead_letters.tx_id')
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  if (!first) return [];
  const rows = await db
    .selectFrom('dead_letters')
    .selectAll()
    .select(sql<string>`tx_id::text`.as('tx_id'))
    .where('subscription_name', '=', stream.subscription)
    .where('aggregate_id', '=', first.aggregate_id)
    .where('replayed_at', 'is', null)
    .orderBy('dead_letters.tx_id')
    .orderBy('position')
    .limit(limit)
    .execute();
  return rows.map(toDeadLetter);
}
