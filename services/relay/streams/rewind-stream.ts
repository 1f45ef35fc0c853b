import { sql, type Kysely, type Transaction } from 'kysely';
import { beyondDedupeWindow } from '../subscriptions/beyond-dedupe-window.js';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { compareCheckpoints } from './compare-checkpoints.js';
import { movedCheckpoint } from './moved-checkpoint.js';
import { openTransactionBehind, type OpenTransaction } from './open-transaction-behind.js';
import { rewindRefusals, type RewindRefusal } from './rewind-verdict.js';

export type RewindTarget = { position: string } | { time: Date };

export type RewindResult =
  | {
      ok: true;
      checkpoint: Checkpoint;
      /** Outbox events after the new checkpoint, whatever their type. */
      events: number;
      /** Events delivered again although older than the dedupe window (some only with `force`). */
      beyondDedupeWindow: number;
      dedupeWindowMs: number;
    }
  | { ok: false; reason: 'no-such-subscription' }
  | { ok: false; reason: 'no-event-at-or-after' }
  | {
      ok: false;
      reason: 'refused';
      from: Checkpoint;
      to: Checkpoint;
      dedupeWindowMs: number;
      refusals: RewindRefusal[];
    };

/**
 * Puts a stream's checkpoint just before the first event (in stream order) among those at or after
 * the given position or time, so that every one of them is delivered again; since a stream is in
 * (tx_id, position) order, a few events before that point may come again too (subscribers dedupe).
 * Refused when that would move it forward, behind a transaction still open, or (unless `force`)
 * over events older than the subscription's dedupe window: see rewindRefusals. Clears the retry
 * state.
 *
 * One transaction with the stream row locked, so the checkpoint cannot move between the check and
 * the update: a relay's compare-and-set write waits for the lock, then finds the checkpoint moved
 * and re-reads the stream, so a batch in flight cannot undo the rewind either.
 */
export async function rewindStream(
  db: Kysely<DB>,
  name: string,
  target: RewindTarget,
  force = false,
): Promise<RewindResult> {
  return db.transaction().execute(async (trx): Promise<RewindResult> => {
    const stream = await lockStream(trx, name);
    if (!stream) return { ok: false, reason: 'no-such-subscription' };
    const before = await checkpointBefore(trx, target);
    if (!before) return { ok: false, reason: 'no-event-at-or-after' };
    const { to, openTransaction } = before;
    const { from, eventTypes, dedupeWindowMs } = stream;
    const between = await eventsBetween(trx, from, to, eventTypes, dedupeWindowMs);
    const refusals = rewindRefusals(
      {
        from,
        to,
        eventsBetween: between.events,
        eventsBeyondDedupeWindow: between.beyondDedupeWindow,
        openTransaction,
      },
      force,
    );
    if (refusals.length > 0) return { ok: false, reason: 'refused', from, to, dedupeWindowMs, refusals };

    await trx
      .updateTable('relay_streams')
      .set(movedCheckpoint(to, null))
      .where('subscription_name', '=', name)
      .execute();
    const count = await sql<{ events: string }>`
      select count(*) as events from outbox
      where (tx_id, position) > (${to.txId}::xid8, ${to.position}::bigint)`.execute(trx);
    return {
      ok: true,
      checkpoint: to,
      events: Number(count.rows[0]?.events ?? 0),
      beyondDedupeWindow: between.beyondDedupeWindow,
      dedupeWindowMs,
    };
  });
}

async function lockStream(trx: Transaction<DB>, name: string) {
  const { rows } = await sql<{
    tx_id: string;
    position: string;
    event_types: string[];
    dedupe_window_ms: string;
  }>`
    select r.checkpoint_tx_id::text as tx_id, r.checkpoint_position::text as position,
           s.event_types, s.dedupe_window_ms::text as dedupe_window_ms
    from relay_streams r join subscriptions s on s.name = r.subscription_name
    where r.subscription_name = ${name}
    for update of r`.execute(trx);
  const row = rows[0];
  if (!row) return undefined;
  return {
    from: { txId: row.tx_id, position: row.position },
    eventTypes: row.event_types,
    dedupeWindowMs: Number(row.dedupe_window_ms),
  };
}

/**
 * Just before the first event, in stream order, at or after the target's position or time, with
 * the oldest transaction still open below it, both from one snapshot.
 */
async function checkpointBefore(
  trx: Transaction<DB>,
  target: RewindTarget,
): Promise<{ to: Checkpoint; openTransaction: OpenTransaction | undefined } | undefined> {
  const condition =
    'position' in target
      ? sql`position >= ${target.position}::bigint`
      : sql`occurred_at >= ${target.time}::timestamptz`;
  const { rows } = await sql<{
    tx_id: string;
    position: string;
    open_tx_id: string | null;
    open_pid: number | null;
  }>`
    select first.tx_id::text as tx_id, first.position, open.tx_id as open_tx_id, open.pid as open_pid
    from (
      select tx_id, position from outbox where ${condition}
      order by outbox.tx_id, outbox.position limit 1
    ) as first
    left join lateral (${openTransactionBehind(sql`first.tx_id`)}) as open on true`.execute(trx);
  const first = rows[0];
  if (!first) return undefined;
  return {
    to: { txId: first.tx_id, position: String(BigInt(first.position) - 1n) },
    openTransaction: first.open_tx_id === null ? undefined : { txId: first.open_tx_id, pid: first.open_pid },
  };
}

/**
 * Events of the subscription's types between two checkpoints (after the lower, up to the higher),
 * and how many of them occurred before now minus the dedupe window.
 */
async function eventsBetween(
  trx: Transaction<DB>,
  a: Checkpoint,
  b: Checkpoint,
  eventTypes: string[],
  dedupeWindowMs: number,
): Promise<{ events: number; beyondDedupeWindow: number }> {
  const [low, high] = compareCheckpoints(a, b) <= 0 ? [a, b] : [b, a];
  const { rows } = await sql<{ events: string; beyond: string }>`
    select count(*) as events,
           count(*) filter (
             where ${beyondDedupeWindow(sql.ref('occurred_at'), sql`${dedupeWindowMs}`)}
           ) as beyond
    from outbox
    where (tx_id, position) > (${low.txId}::xid8, ${low.position}::bigint)
      and (tx_id, position) <= (${high.txId}::xid8, ${high.position}::bigint)
      and event_type = any(${eventTypes}::text[])`.execute(trx);
  return { events: Number(rows[0]?.events ?? 0), beyondDedupeWindow: Number(rows[0]?.beyond ?? 0) };
}
