import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { SubscriberName } from './subscriber.js';
import { prepared } from '../../common/db/prepared-statements.js';
import { orderLocks } from './lock-orders.js';

/**
 * Takes the batch's order locks (see lock-orders.ts), then inserts the batch's event ids into the
 * service's inbox, in one statement, and returns the ids that were new. A concurrent transaction
 * inserting the same id waits for ours (on the order's lock, or on the primary key), then does
 * nothing: that is what makes concurrent deliveries of one batch apply each event once. Ids are
 * inserted in sorted order so two overlapping batches lock keys in the same order (no deadlock);
 * the order locks come first in every batch, also in sorted order.
 */
export async function recordInInbox(
  trx: Transaction<DB>,
  schema: SubscriberName,
  events: { id: string; type: string }[],
  now: Date,
  lockedOrderIds: readonly string[],
): Promise<Set<string>> {
  // The sort waits for all its input, and each input row needs the one row of the locks: every lock
  // is held before the first insert.
  const { rows } = await sql<{ event_id: string }>`${prepared}
    insert into ${sql.table(`${schema}.inbox`)} (event_id, event_type, processed_at)
    select batch.id, batch.type, ${now}::timestamptz
    from ${orderLocks(schema, lockedOrderIds)} as locked,
      unnest(${events.map((event) => event.id)}::uuid[], ${events.map((event) => event.type)}::text[])
      as batch(id, type)
    order by batch.id
    on conflict (event_id) do nothing
    returning event_id`.execute(trx);
  return new Set(rows.map((row) => row.event_id));
}
