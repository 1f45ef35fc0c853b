import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';

/** The catalog prices, in `currency`, of the given SKUs (absent ones are not in the catalog). */
export async function findPrices(
  db: Kysely<DB>,
  skus: string[],
  currency: string,
): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('billing.prices')
    .select(['sku', 'unit_price_cents'])
    .where('sku', 'in', [...new Set(skus)])
    .where('currency', '=', currency)
    .execute();
  return new Map(rows.map((row) => [row.sku, row.unit_price_cents]));
}
