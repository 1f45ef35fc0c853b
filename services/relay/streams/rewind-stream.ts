import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { movedCheckpoint } from './moved-checkpoint.js';

export type RewindTarget = { position: string } | { time: Date };

export type RewindResult =
  | { ok: true; checkpoint: Checkpoint; events: number }
  | { ok: false; reason: 'no-such-subscription' | 'no-event-at-or-after' };

/**
 * Puts a stream's checkpoint just before the first event (in stream order) among those at or after
 * the given position or time, so that every one of them is delivered again; since a stream is in
 * (tx_id, position) order, a few events before that point may come again too (subscribers dedupe).
 * Clears the retry state. The owning relay notices at its next step: its checkpoint writes are
 * compare-and-set, so a batch in flight cannot undo the rewind.
 */
export async function rewindStream(
  db: Kysely<DB>,
  name: string,
  target: RewindTarget,
): Promise<RewindResult> {
  const condition =
    'position' in target
      ? sql`position >= ${target.position}::bigint`
      : sql`occurred_at >= ${target.time}::timestamptz`;
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text as tx_id, position from outbox where ${condition}
    order by outbox.tx_id, outbox.position limit 1`.execute(db);
  const first = rows[0];
  if (!first) return { ok: false, reason: 'no-event-at-or-after' };
  const checkpoint = { txId: first.tx_id, position: String(BigInt(first.position) - 1n) };
  const updated = await db
    .updateTable('relay_streams')
    .set(movedCheckpoint(checkpoint, null))
    .where('subscription_name', '=', name)
    .executeTakeFirst();
  if (updated.numUpdatedRows !== 1n) return { ok: false, reason: 'no-such-subscription' };
  const count = await sql<{ events: string }>`
    select count(*) as events from outbox
    where (tx_id, position) > (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)`.execute(db);
  return { ok: true, checkpoint, events: Number(count.rows[0]?.events ?? 0) };
}
