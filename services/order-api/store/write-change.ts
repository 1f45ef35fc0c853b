import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { ORDER_AGGREGATE_TYPE, type OrderEvent } from '../../common/events/order-events.js';
import type { EventMetadata } from '../../common/events/outbox-event.js';
import type { Order } from '../order.js';
import { prepared } from '../../common/db/prepared-statements.js';

export type WrittenChange = { written: true; eventIds: string[] } | { written: false };

/**
 * Writes a decided change as ONE statement, so one atomic transaction on its own: the order's new
 * state, guarded by the version the decision was made on, and the events it recorded, appended to
 * the outbox only if that guard held (the insert reads from the update's RETURNING). A command
 * thereby costs the server one round trip here instead of BEGIN, UPDATE, INSERT and COMMIT: the
 * Order API's profile under load was a quarter socket writes to PostgreSQL.
 *
 * `written: false` means the order moved since it was read (another command won): nothing was
 * written, and the caller decides again on the fresh state. Positions follow the events' order
 * (`with ordinality`, then `order by`), as the relay delivers them by position within a transaction.
 * `eventIds` are the events' ids, one per event in order, chosen by the caller before its first
 * attempt (see reserveEventIds).
 */
export async function writeChange(
  db: Kysely<DB>,
  order: Order,
  previousVersion: number,
  events: readonly OrderEvent[],
  metadata: EventMetadata,
  occurredAt: Date,
  eventIds: readonly string[],
): Promise<WrittenChange> {
  if (eventIds.length !== events.length) throw new Error('writeChange needs one event id per event');
  const { rows } = await sql<{ written: boolean }>`${prepared}
    with updated as (
      update orders
      set status = ${order.status}, version = ${order.version}, updated_at = ${order.updatedAt}
      where id = ${order.id} and version = ${previousVersion}
      returning id
    ), appended as (
      insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type,
                          payload, metadata, occurred_at)
      select event.id, ${ORDER_AGGREGATE_TYPE}, updated.id, ${order.version}, event.type,
             event.payload, ${JSON.stringify(metadata)}::jsonb, ${occurredAt}::timestamptz
      from updated
      cross join unnest(${eventIds}::uuid[], ${events.map((event) => event.type)}::text[],
                        ${events.map((event) => JSON.stringify(event.data))}::jsonb[])
        with ordinality as event(id, type, payload, ordinal)
      order by event.ordinal
    )
    select exists (select 1 from updated) as written`.execute(db);
  return rows[0]?.written ? { written: true, eventIds: [...eventIds] } : { written: false };
}
