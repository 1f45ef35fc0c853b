import { sql, type Kysely } from 'kysely';
import type { DB } from '../services/common/db/database.js';

/** Orders per INSERT statement (and transaction): about 2,800 events each. */
const ORDERS_PER_STATEMENT = 1_000;

/**
 * Commits exactly `events` order events into the outbox with set-based SQL, as the Order API would
 * have written them: per order OrderPlaced (1 to 3 lines of 50 SKUs), then OrderShipped and
 * OrderDelivered, or for one order in five OrderCancelled. Orders interleave (an order ships a few
 * orders after it was placed), so a batch mixes event types and orders like real traffic, while
 * each order's events keep their order in the outbox. Only the outbox is written: the relay and the
 * subscribers read nothing else.
 *
 * `orderIds: 'fixed'` derives each order's id from its number instead of generating it, so every
 * database seeded that way holds the same orders, and so the same events in each partition: the
 * partitions scenario compares partition counts on identical backlogs.
 *
 * Returns how many events of each type were written.
 */
export async function seedOutbox(
  db: Kysely<DB>,
  events: number,
  options: { orderIds?: 'fresh' | 'fixed' } = {},
): Promise<Record<string, number>> {
  const newId = sql.raw(await uuidFunction(db));
  // A version-4-shaped UUID from the md5 of the order's number: the contract's orderId is a UUID.
  const orderId =
    options.orderIds === 'fixed'
      ? sql`overlay(overlay(md5('bench-order-' || o) placing '4' from 13) placing '8' from 17)::uuid`
      : sql`${newId}()`;
  let written = 0;
  for (let firstOrder = 0; written < events; firstOrder += ORDERS_PER_STATEMENT) {
    const result = await sql`
      with orders as (
        select o,
               ${orderId} as id,
               'customer-' || (o % 1000) as customer_id,
               (select jsonb_agg(jsonb_build_object(
                         'sku', 'SKU-' || lpad(((o * 7 + k) % 50)::text, 3, '0'),
                         'quantity', 1 + (o + k) % 3))
                  from generate_series(0, o % 3) as k) as items,
               o % 5 = 4 as cancelled
          from generate_series(${firstOrder}::int, ${firstOrder + ORDERS_PER_STATEMENT - 1}::int) as o
      ), steps as (
        select orders.*, step.slot, step.version, step.type
          from orders
          cross join lateral (
            select * from (values (0, 2, 'OrderPlaced'), (7, 3, 'OrderShipped'), (13, 4, 'OrderDelivered'))
                     as lifecycle (slot, version, type) where not orders.cancelled
            union all
            select * from (values (0, 2, 'OrderPlaced'), (5, 3, 'OrderCancelled'))
                     as lifecycle (slot, version, type) where orders.cancelled
          ) as step
         order by o + step.slot, o
         limit ${events - written}
      )
      insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload,
                          metadata, occurred_at)
      select ${newId}(), 'Order', id, version, type,
             case type
               when 'OrderPlaced' then jsonb_build_object('orderId', id, 'customerId', customer_id, 'items', items)
               when 'OrderCancelled' then jsonb_build_object('orderId', id, 'reason', 'changed my mind')
               else jsonb_build_object('orderId', id)
             end,
             jsonb_build_object('correlationId', 'bench-' || o),
             clock_timestamp()
        from steps
       order by o + slot, o`.execute(db);
    written += Number(result.numAffectedRows ?? 0);
  }
  const counts = await sql<{ event_type: string; count: string }>`
    select event_type, count(*) as count from outbox group by event_type`.execute(db);
  return Object.fromEntries(counts.rows.map((row) => [row.event_type, Number(row.count)]));
}

/**
 * The Order API's ids are UUIDv7 (time-ordered), which keeps the inboxes' primary-key indexes
 * compact; random ids would make the subscribers' inserts dearer than real traffic makes them.
 * PostgreSQL 18 has uuidv7(); an older server (DATABASE_URL) gets random ones.
 */
async function uuidFunction(db: Kysely<DB>): Promise<'uuidv7' | 'gen_random_uuid'> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from pg_proc where proname = 'uuidv7') as found`.execute(db);
  return rows[0]?.found ? 'uuidv7' : 'gen_random_uuid';
}
