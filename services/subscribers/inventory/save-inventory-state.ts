import { sql, type Transaction } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { InventoryChanges, InventoryState } from './inventory-state.js';

/** Writes back what the batch changed: three set-based statements whatever the batch size. */
export async function saveInventoryState(
  trx: Transaction<DB>,
  state: InventoryState,
  changes: InventoryChanges,
  now: Date,
): Promise<void> {
  const orderIds = [...changes.orderIds];
  if (orderIds.length > 0) {
    await trx
      .insertInto('inventory.orders')
      .values(
        orderIds.map((orderId) => {
          const order = state.orders.get(orderId)!;
          return {
            order_id: orderId,
            status: order.status,
            placed_at: order.placed ? now : null,
            updated_at: now,
          };
        }),
      )
      .onConflict((conflict) =>
        conflict.column('order_id').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          placed_at: eb.fn.coalesce('inventory.orders.placed_at', 'excluded.placed_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    const lines = orderIds.flatMap((orderId) =>
      state.orders.get(orderId)!.lines.map((line) => ({
        order_id: orderId,
        sku: line.sku,
        quantity: line.quantity,
        reserved: line.reserved,
        committed: line.committed,
        backordered: line.backordered,
        status: line.status,
        updated_at: now,
      })),
    );
    if (lines.length > 0) {
      await trx
        .insertInto('inventory.reservations')
        .values(lines)
        .onConflict((conflict) =>
          conflict.columns(['order_id', 'sku']).doUpdateSet((eb) => ({
            reserved: eb.ref('excluded.reserved'),
            committed: eb.ref('excluded.committed'),
            backordered: eb.ref('excluded.backordered'),
            status: eb.ref('excluded.status'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }
  const skus = [...changes.skus];
  if (skus.length > 0) {
    const levels = skus.map((sku) => state.stock.get(sku)!);
    await sql`
      update inventory.stock as stock
      set on_hand = level.on_hand, reserved = level.reserved, updated_at = ${now}::timestamptz
      from unnest(${skus}::text[], ${levels.map((level) => level.onHand)}::int[],
                  ${levels.map((level) => level.reserved)}::int[]) as level(sku, on_hand, reserved)
      where stock.sku = level.sku`.execute(trx);
  }
}
