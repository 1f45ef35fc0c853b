import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { orderAsLeftBy, type Order, type OrderActionName } from '../order.js';
import { toOrder } from './order-row.js';

/**
 * The order as the change that recorded event `eventId` left it, or undefined when no such change
 * committed. A command that lost its connection looks for the event id it chose before its first
 * attempt: `outbox.event_id` is unique, so this is one index lookup, and only such a command pays it.
 */
export async function findOrderAsChangedBy(
  db: Kysely<DB>,
  eventId: string,
  action: OrderActionName,
): Promise<Order | undefined> {
  const row = await db
    .selectFrom('outbox')
    .innerJoin('orders', 'orders.id', 'outbox.aggregate_id')
    .selectAll('orders')
    .select(['outbox.aggregate_version', 'outbox.occurred_at'])
    .where('outbox.event_id', '=', eventId)
    .executeTakeFirst();
  return row && orderAsLeftBy(toOrder(row), action, row.aggregate_version, row.occurred_at);
}
