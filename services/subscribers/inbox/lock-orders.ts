import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { SubscriberName } from './subscriber.js';
import { prepared } from '../../common/db/prepared-statements.js';

/**
 * Serialises this service's batches per order: two batches touching one order (a retried delivery
 * still running beside its successor) apply in turn instead of each reading the other's state
 * half-written. Transaction-scoped advisory locks, keyed by (service, order), taken in sorted order.
 */
export async function lockOrders(
  trx: Transaction<DB>,
  schema: SubscriberName,
  orderIds: string[],
): Promise<void> {
  if (orderIds.length === 0) return;
  await sql`${prepared}
    select pg_advisory_xact_lock(hashtext(${schema}), hashtext(order_id))
    from (select distinct unnest(${orderIds}::text[]) as order_id order by 1) as ordered`.execute(trx);
}
