import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

export type Price = { sku: string; unitPriceCents: number; currency: string; updatedAt: Date };

export async function listPrices(db: Kysely<DB>): Promise<Price[]> {
  const rows = await db.selectFrom('billing.prices').selectAll().orderBy('sku').execute();
  return rows.map((row) => ({
    sku: row.sku,
    unitPriceCents: row.unit_price_cents,
    currency: row.currency,
    updatedAt: row.updated_at,
  }));
}
