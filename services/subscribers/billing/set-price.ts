import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import type { Price } from './list-prices.js';

/** Creates or replaces a SKU's catalog price; orders placed from now on are charged at it. */
export async function setPrice(db: Kysely<DB>, price: Price): Promise<void> {
  await db
    .insertInto('billing.prices')
    .values({
      sku: price.sku,
      unit_price_cents: price.unitPriceCents,
      currency: price.currency,
      updated_at: price.updatedAt,
    })
    .onConflict((conflict) =>
      conflict.column('sku').doUpdateSet((eb) => ({
        unit_price_cents: eb.ref('excluded.unit_price_cents'),
        currency: eb.ref('excluded.currency'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
