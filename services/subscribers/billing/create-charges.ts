import type { Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { OrderPlaced } from '../../common/events/order-events.js';
import type { DeliveredEvent } from '../inbox/subscriber.js';
import { priceOrder, type Catalog } from './catalog.js';
import { findPrices } from './find-prices.js';

/**
 * OrderPlaced: one charge per order for its total at catalog prices; one price lookup and one insert
 * for the whole run. An order already voided (its cancellation arrived first) is not charged: the
 * priced amount is kept for the record and the charge stays voided.
 */
export async function createCharges(
  trx: Transaction<DB>,
  events: (OrderPlaced & DeliveredEvent)[],
  catalog: Catalog,
  now: Date,
): Promise<void> {
  if (events.length === 0) return;
  const prices = await findPrices(
    trx,
    events.flatMap((event) => event.data.items.map((item) => item.sku)),
    catalog.currency,
  );
  await trx
    .insertInto('billing.charges')
    .values(
      events.map((event) => {
        const priced = priceOrder(event.data.items, prices, catalog);
        return {
          order_id: event.data.orderId,
          status: 'charged',
          customer_id: event.data.customerId,
          amount_cents: priced.amountCents,
          currency: catalog.currency,
          lines: JSON.stringify(priced.lines),
          charged_at: now,
          updated_at: now,
        };
      }),
    )
    .onConflict((conflict) =>
      conflict
        .column('order_id')
        .doUpdateSet((eb) => ({
          customer_id: eb.ref('excluded.customer_id'),
          amount_cents: eb.ref('excluded.amount_cents'),
          currency: eb.ref('excluded.currency'),
          lines: eb.ref('excluded.lines'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('billing.charges.status', '=', 'voided')
        .where('billing.charges.amount_cents', 'is', null),
    )
    .execute();
}
