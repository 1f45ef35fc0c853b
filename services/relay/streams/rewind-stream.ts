import { sql, type Kysely, type Transaction } from 'kysely';
import { beyondDedupeWindow } from '../subscriptions/beyond-dedupe-window.js';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { compareCheckpoints } from './compare-checkpoints.js';
import { movedCheckpoint } from './moved-checkpoint.js';
import { openTransactionBehind, type OpenTransaction } from './open-transaction-behind.js';
import { inPartition } from './partition.js';
import { rewindRefusals, type RewindRefusal } from './rewind-verdict.js';

export type RewindTarget = { position: string } | { time: Date };

/** One partition's part in a rewind: where its checkpoint was, and why it may not move (if it may not). */
export type PartitionRewind = { partition: number; from: Checkpoint; refusals: RewindRefusal[] };

export type RewindResult =
  | {
      ok: true;
      checkpoint: Checkpoint;
      /** The partitions moved back to `checkpoint`. */
      rewound: number[];
      /** Partitions left where they were: already at or before `checkpoint` (nothing to redeliver). */
      alreadyBefore: number[];
      /** Outbox events after the new checkpoint, whatever their type and partition. */
      events: number;
      /** Events delivered again although older than the dedupe window (some only with `force`). */
      beyondDedupeWindow: number;
      dedupeWindowMs: number;
    }
  | { ok: false; reason: 'no-such-subscription' }
  | { ok: false; reason: 'no-such-partition'; partitions: number }
  | { ok: false; reason: 'no-event-at-or-after' }
  | {
      ok: false;
      reason: 'refused';
      to: Checkpoint;
      dedupeWindowMs: number;
      /** The partitions that refuse, each with its checkpoint and reasons. */
      refused: PartitionRewind[];
    };

/**
 * Puts a stream's checkpoint just before the first event (in stream order) among those at or after
 * the given position or time, so that every one of them is delivered again; since a stream is in
 * (tx_id, position) order, a few events before that point may come again too (subscribers dedupe).
 * Refused when that would move it forward, behind a transaction still open, or (unless `force`)
 * over events older than the subscription's dedupe window: see rewindRefusals. Clears the retry
 * state.
 *
 * Every partition of the subscription, or only `partition`. The target point is the same for all
 * (an outbox position or time is one point of the whole stream order), each partition judges the
 * move from its own checkpoint, and all move or none does. A partition already at or before the
 * point has not delivered those events yet and is left as it is; only when every selected
 * partition is (one partition: the one) is that a refusal ("forward"), as a rewind never moves a
 * checkpoint forward.
 *
 * One transaction with the stream rows locked, so the checkpoint cannot move between the check and
 * the update: a relay's compare-and-set write waits for the lock, then finds the checkpoint moved
 * and re-reads the stream, so a batch in flight cannot undo the rewind either.
 */
export async function rewindStream(
  db: Kysely<DB>,
  name: string,
  target: RewindTarget,
  force = false,
  partition?: number,
): Promise<RewindResult> {
  return db.transaction().execute(async (trx): Promise<RewindResult> => {
    const streams = await lockStreams(trx, name, partition);
    const first = streams[0];
    if (!first) {
      const subscription = await trx
        .selectFrom('subscriptions')
        .select('partitions')
        .where('name', '=', name)
        .executeTakeFirst();
      return subscription
        ? { ok: false, reason: 'no-such-partition', partitions: subscription.partitions }
        : { ok: false, reason: 'no-such-subscription' };
    }
    const before = await checkpointBefore(trx, target);
    if (!before) return { ok: false, reason: 'no-event-at-or-after' };
    const { to, openTransaction } = before;
    const { dedupeWindowMs } = first;

    const judged: (PartitionRewind & { beyondDedupeWindow: number })[] = [];
    for (const stream of streams) {
      const between = await eventsBetween(trx, stream.from, to, stream, dedupeWindowMs);
      const facts = {
        from: stream.from,
        to,
        eventsBetween: between.events,
        eventsBeyondDedupeWindow: between.beyondDedupeWindow,
        openTransaction,
      };
      judged.push({
        partition: stream.partition,
        from: stream.from,
        refusals: rewindRefusals(facts, force),
        beyondDedupeWindow: between.beyondDedupeWindow,
      });
    }
    const forward = (part: PartitionRewind) => part.refusals.some((refusal) => refusal.reason === 'forward');
    const moving = judged.filter((part) => !forward(part));
    const refused = moving.length === 0 ? judged : moving.filter((part) => part.refusals.length > 0);
    if (refused.length > 0)
      return {
        ok: false,
        reason: 'refused',
        to,
        dedupeWindowMs,
        refused: refused.map(({ partition: p, from, refusals }) => ({ partition: p, from, refusals })),
      };

    const rewound = moving.map((part) => part.partition);
    await trx
      .updateTable('relay_streams')
      .set(movedCheckpoint(to, null))
      .where('subscription_name', '=', name)
      .where('partition', 'in', rewound)
      .execute();
    const count = await sql<{ events: string }>`
      select count(*) as events from outbox
      where (tx_id, position) > (${to.txId}::xid8, ${to.position}::bigint)`.execute(trx);
    return {
      ok: true,
      checkpoint: to,
      rewound,
      alreadyBefore: judged.filter(forward).map((part) => part.partition),
      events: Number(count.rows[0]?.events ?? 0),
      beyondDedupeWindow: moving.reduce((sum, part) => sum + part.beyondDedupeWindow, 0),
      dedupeWindowMs,
    };
  });
}

type LockedStream = {
  partition: number;
  partitions: number;
  from: Checkpoint;
  eventTypes: string[];
  dedupeWindowMs: number;
};

async function lockStreams(
  trx: Transaction<DB>,
  name: string,
  partition: number | undefined,
): Promise<LockedStream[]> {
  const { rows } = await sql<{
    partition: number;
    partitions: number;
    tx_id: string;
    position: string;
    event_types: string[];
    dedupe_window_ms: string;
  }>`
    select r.partition, s.partitions,
           r.checkpoint_tx_id::text as tx_id, r.checkpoint_position::text as position,
           s.event_types, s.dedupe_window_ms::text as dedupe_window_ms
    from relay_streams r join subscriptions s on s.name = r.subscription_name
    where r.subscription_name = ${name}
      and (${partition ?? null}::int is null or r.partition = ${partition ?? null}::int)
    order by r.partition
    for update of r`.execute(trx);
  return rows.map((row) => ({
    partition: row.partition,
    partitions: row.partitions,
    from: { txId: row.tx_id, position: row.position },
    eventTypes: row.event_types,
    dedupeWindowMs: Number(row.dedupe_window_ms),
  }));
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
 * Events of the subscription's types and of the stream's partition between two checkpoints (after
 * the lower, up to the higher), and how many of them occurred before now minus the dedupe window.
 */
async function eventsBetween(
  trx: Transaction<DB>,
  a: Checkpoint,
  b: Checkpoint,
  stream: Pick<LockedStream, 'eventTypes' | 'partition' | 'partitions'>,
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
      and event_type = any(${stream.eventTypes}::text[])
      and ${inPartition(sql.ref('partition_key'), stream.partitions, stream.partition)}`.execute(trx);
  return { events: Number(rows[0]?.events ?? 0), beyondDedupeWindow: Number(rows[0]?.beyond ?? 0) };
}
