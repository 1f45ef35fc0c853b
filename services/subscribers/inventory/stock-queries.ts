import { sql, type Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

export type Stock = { sku: string; onHand: number; reserved: number; available: number };

export type RestockResult =
  { ok: true; stock: Stock } | { ok: false; reason: 'below_reserved'; stock: Stock };

const toStock = (row: { sku: string; on_hand: number; reserved: number }): Stock => ({
  sku: row.sku,
  onHand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
});

export async function findStock(db: Kysely<DB>, sku: string): Promise<Stock | undefined> {
  const row = await db
    .selectFrom('inventory.stock')
    .select(['sku', 'on_hand', 'reserved'])
    .where('sku', '=', sku)
    .executeTakeFirst();
  return row && toStock(row);
}

/**
 * Sets a SKU's on-hand count in one conditional upsert: refused when it would fall below what is
 * already reserved (the count must then wait for shipments or cancellations). Backorders are not
 * re-reserved by a restock; they stay recorded.
 */
export async function restock(
  db: Kysely<DB>,
  sku: string,
  onHand: number,
  now: Date,
): Promise<RestockResult> {
  const { rows } = await sql<{ sku: string; on_hand: number; reserved: number }>`
    insert into inventory.stock as stock (sku, on_hand, reserved, updated_at)
    values (${sku}, ${onHand}, 0, ${now}::timestamptz)
    on conflict (sku) do update set on_hand = excluded.on_hand, updated_at = excluded.updated_at
      where stock.reserved <= excluded.on_hand
    returning sku, on_hand, reserved`.execute(db);
  const row = rows[0];
  if (row) return { ok: true, stock: toStock(row) };
  return { ok: false, reason: 'below_reserved', stock: (await findStock(db, sku))! };
}
