import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { prepared } from '../../common/db/prepared-statements.js';
import { toOutboxEvent, type EventMetadata, type OutboxEvent } from '../../common/events/outbox-event.js';
import type { Checkpoint } from './checkpoint.js';
import { FENCE, fenceHeldSince } from './fence.js';
import { inPartition } from './partition.js';

export type StreamEvent = OutboxEvent & { txId: string };

export type StreamBatch = {
  /** The next events of the subscription's types, in stream order, at most `limit`. */
  events: StreamEvent[];
  /**
   * Set when fewer than `limit` events were found: every row behind the fence was looked at, so
   * the checkpoint may move to the last of them (past events of other types) once `events` are
   * delivered. Null when the batch is full, or when nothing lies behind the fence after the
   * checkpoint.
   */
  caughtUpTo: Checkpoint | null;
  /**
   * Rows after the checkpoint that the fence still hides (their transaction, or an older one of this
   * database, is still running): the stream should look again soon rather than at the next poll,
   * since the NOTIFY for those rows may already have been spent. False means the read saw every
   * committed row after the checkpoint.
   */
  hiddenByFence: boolean;
};

type Row = {
  hidden_since: Date | null;
  tx_id: string | null;
  position: string | null;
  event_id: string | null;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  event_type: string;
  payload: unknown;
  metadata: EventMetadata;
  occurred_at: Date;
  last_tx_id: string | null;
  last_position: string | null;
};

/**
 * One stream step's read, in one statement so that both halves see the same fence (a later fence
 * could let through rows the first half never looked at):
 * - the next `limit` events of the subscription's types and of this partition (`partition` of
 *   `partitions`, see inPartition) after the checkpoint, behind the fence,
 *   filtered in SQL so a subscription to a few types still gets full batches (read-then-filter
 *   gave billing a third of a batch per round trip, half the rate of the same subscriber fed full
 *   batches by the benchmark's direct loop);
 * - the last row behind the fence, whatever its type and partition, for `caughtUpTo`;
 * - whether the fence hides any row after the checkpoint (`hiddenByFence`): one ordered `LIMIT 1`
 *   on the index (see fenceHeldSince), so a read that finds nothing needs no second statement to
 *   know whether to look again soon, and a step that caught up need not read once more to find out.
 * Both filters are on the rows the (tx_id, position) index walks, so the plan stays an index scan
 * in stream order (a partition of N looks at about N rows for each of its own).
 * ORDER BY names the table's columns: a bare `tx_id` would mean the output column `tx_id::text`, and
 * text order puts '1000' before '999', so every time the transaction ids gain a digit a batch would
 * jump ahead and the checkpoint would pass events never delivered (the e2e relay-crash scenario
 * found it on a fresh server, whose ids cross 1000 early).
 */
export async function readStreamBatch(
  db: Kysely<DB>,
  checkpoint: Checkpoint,
  eventTypes: readonly string[],
  limit: number,
  partition: { partition: number; partitions: number } = { partition: 0, partitions: 1 },
): Promise<StreamBatch> {
  const { rows } = await sql<Row>`${prepared}
    with fence as materialized (
      select ${FENCE} as txid
    ), last_behind as (
      select outbox.tx_id, outbox.position
      from outbox, fence
      where (outbox.tx_id, outbox.position) > (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)
        and outbox.tx_id < fence.txid
      order by outbox.tx_id desc, outbox.position desc
      limit 1
    ), hidden as (
      select ${fenceHeldSince(
        sql`${checkpoint.txId}::xid8`,
        sql`${checkpoint.position}::bigint`,
        sql`(select txid from fence)`,
      )} as since
    )
    select hidden.since as hidden_since, wanted.tx_id::text as tx_id, wanted.position, wanted.event_id, wanted.aggregate_type,
           wanted.aggregate_id, wanted.aggregate_version, wanted.event_type, wanted.payload,
           wanted.metadata, wanted.occurred_at,
           last_behind.tx_id::text as last_tx_id, last_behind.position as last_position
    from hidden
    left join last_behind on true
    left join lateral (
      select outbox.*
      from outbox, fence
      where (outbox.tx_id, outbox.position) > (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)
        and outbox.tx_id < fence.txid
        and outbox.event_type = any(${eventTypes}::text[])
        and ${inPartition(sql.ref('outbox.partition_key'), partition.partitions, partition.partition)}
      order by outbox.tx_id, outbox.position
      limit ${limit}
    ) as wanted on true
    order by wanted.tx_id, wanted.position`.execute(db);

  const first = rows[0]!;
  const hiddenByFence = first.hidden_since !== null;
  if (first.last_tx_id === null || first.last_position === null) {
    return { events: [], caughtUpTo: null, hiddenByFence };
  }
  const events: StreamEvent[] = [];
  for (const row of rows) {
    if (row.tx_id === null || row.position === null || row.event_id === null) continue;
    events.push({
      txId: row.tx_id,
      ...toOutboxEvent({ ...row, position: row.position, event_id: row.event_id }),
    });
  }
  const caughtUpTo =
    events.length < limit ? { txId: first.last_tx_id, position: String(first.last_position) } : null;
  return { events, caughtUpTo, hiddenByFence };
}
