import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/database.js';
import { toOutboxEvent, type EventMetadata, type OutboxEvent } from '../../shared/events/outbox-event.js';
import type { Checkpoint } from './checkpoint.js';
import { prepared } from '../../shared/db/prepared-statements.js';

export type StreamEvent = OutboxEvent & { txId: string };

type Row = {
  tx_id: string;
  position: string;
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  event_type: string;
  payload: unknown;
  metadata: EventMetadata;
  occurred_at: Date;
};

/**
 * The next events of a stream: after the checkpoint, behind the fence (see checkpoint.ts), in stream
 * order. One query on the (tx_id, position) index. Never `position > :last`: it skips rows of
 * transactions that commit late.
 *
 * ORDER BY names the table's columns: a bare `tx_id` would mean the output column `tx_id::text`, and
 * text order puts '1000' before '999', so every time the transaction ids gain a digit a batch would
 * jump ahead and the checkpoint would pass events never delivered (the e2e relay-crash scenario
 * found it on a fresh server, whose ids cross 1000 early).
 */
export async function readEventsAfter(
  db: Kysely<DB>,
  checkpoint: Checkpoint,
  limit: number,
): Promise<StreamEvent[]> {
  const { rows } = await sql<Row>`${prepared}
    select tx_id::text as tx_id, position, event_id, aggregate_type, aggregate_id, aggregate_version,
           event_type, payload, metadata, occurred_at
    from outbox
    where (tx_id, position) > (${checkpoint.txId}::xid8, ${checkpoint.position}::bigint)
      and tx_id < pg_snapshot_xmin(pg_current_snapshot())
    order by outbox.tx_id, outbox.position
    limit ${limit}`.execute(db);
  return rows.map((row) => ({ txId: row.tx_id, ...toOutboxEvent(row) }));
}
