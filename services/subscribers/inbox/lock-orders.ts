import { sql, type RawBuilder } from 'kysely';
import type { SubscriberName } from './subscriber.js';

/**
 * Serialises this service's batches per order: two batches touching one order (a retried delivery
 * still running beside its successor) apply in turn instead of each reading the other's state
 * half-written. Transaction-scoped advisory locks, keyed by (service, order), taken in sorted order.
 *
 * A subquery yielding one row (the number of orders locked) once every lock is held, for the inbox
 * insert to join (record-in-inbox.ts): the locks then cost no round trip of their own, and are all
 * held before the first inbox row is written.
 */
export function orderLocks(schema: SubscriberName, orderIds: readonly string[]): RawBuilder<number> {
  return sql<number>`(
    select count(*) as orders from (
      select pg_advisory_xact_lock(hashtext(${schema}), hashtext(order_id))
      from (select distinct unnest(${orderIds}::text[]) as order_id order by 1) as ordered
    ) as locks)`;
}
