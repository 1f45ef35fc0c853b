import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderCancelled } from '../../common/events/order-events.js';
import type { DeliveredEvent } from '../inbox/subscriber.js';

/**
 * OrderCancelled: refunds the order's charge in full, in one statement for the run. An order with no
 * charge yet (its OrderPlaced has not arrived) gets a voided charge, so that the late OrderPlaced
 * charges nothing. Returns the ids of those events: orders this service had not seen.
 */
export async function refundCharges(
  trx: Transaction<DB>,
  events: (OrderCancelled & DeliveredEvent)[],
  currency: string,
  now: Date,
): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = await trx
    .insertInto('billing.charges')
    .values(
      events.map((event) => ({
        order_id: event.data.orderId,
        status: 'voided',
        currency,
        cancel_reason: event.data.reason,
        updated_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .column('order_id')
        .doUpdateSet((eb) => ({
          status: 'refunded',
          refunded_at: eb.ref('excluded.updated_at'),
          cancel_reason: eb.ref('excluded.cancel_reason'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('billing.charges.status', '=', 'charged'),
    )
    .returning(['order_id', sql<boolean>`xmax = 0`.as('inserted')])
    .execute();
  const inserted = new Set(rows.filter((row) => row.inserted).map((row) => row.order_id));
  return events.filter((event) => inserted.has(event.data.orderId)).map((event) => event.id);
}
