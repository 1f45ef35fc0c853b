import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { DeliveredEvent } from '../inbox/subscriber.js';
import {
  skusTouched,
  type InventoryOrder,
  type InventoryState,
  type LineStatus,
  type StockLevel,
} from './inventory-state.js';

async function loadOrders(trx: Transaction<DB>, orderIds: string[]): Promise<Map<string, InventoryOrder>> {
  const orders = new Map<string, InventoryOrder>();
  const rows = await trx
    .selectFrom('inventory.orders')
    .select(['order_id', 'status', 'placed_at'])
    .where('order_id', 'in', orderIds)
    .execute();
  for (const row of rows) {
    orders.set(row.order_id, {
      status: row.status as InventoryOrder['status'],
      placed: row.placed_at !== null,
      lines: [],
    });
  }
  if (orders.size === 0) return orders;
  const lines = await trx
    .selectFrom('inventory.reservations')
    .selectAll()
    .where('order_id', 'in', [...orders.keys()])
    .orderBy('order_id')
    .orderBy('sku')
    .execute();
  for (const line of lines) {
    orders.get(line.order_id)?.lines.push({
      sku: line.sku,
      quantity: line.quantity,
      reserved: line.reserved,
      committed: line.committed,
      backordered: line.backordered,
      status: line.status as LineStatus,
    });
  }
  return orders;
}

/**
 * Creates the stock rows the batch needs (at zero) and locks them all, in SKU order so concurrent
 * batches never deadlock. Reads after the lock, so every decision sees the latest committed stock.
 */
async function lockStock(trx: Transaction<DB>, skus: string[], now: Date): Promise<Map<string, StockLevel>> {
  if (skus.length === 0) return new Map();
  await sql`
    insert into inventory.stock (sku, on_hand, reserved, updated_at)
    select sku, 0, 0, ${now}::timestamptz from unnest(${skus}::text[]) as wanted(sku) order by sku
    on conflict (sku) do nothing`.execute(trx);
  const rows = await trx
    .selectFrom('inventory.stock')
    .select(['sku', 'on_hand', 'reserved'])
    .where('sku', 'in', skus)
    .orderBy('sku')
    .forUpdate()
    .execute();
  return new Map(rows.map((row) => [row.sku, { onHand: row.on_hand, reserved: row.reserved }]));
}

/** Everything the batch's events can touch: their orders with their lines, and locked stock rows. */
export async function loadInventoryState(
  trx: Transaction<DB>,
  events: DeliveredEvent[],
  now: Date,
): Promise<InventoryState> {
  const orders = await loadOrders(trx, [...new Set(events.map((event) => event.data.orderId))]);
  const stock = await lockStock(trx, skusTouched(events, orders), now);
  return { stock, orders };
}
