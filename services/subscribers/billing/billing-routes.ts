import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { requireScope } from '../../common/auth/require-scope.js';
import { z } from 'zod';
import type { DB } from '../../common/db/database.js';
import { orderItemSchema } from '../../common/events/order-events.js';
import { readInput } from '../inbox/read-input.js';
import { readOrderId } from '../inbox/read-order-id.js';
import type { Catalog } from './catalog.js';
import { findCharges } from './find-charges.js';
import { listPrices } from './list-prices.js';
import { setPrice } from './set-price.js';
import type { Clock } from '../../common/clock.js';

/** Up to a million currency units per item: keeps any order total far inside a safe integer. */
const priceBodySchema = z.object({ unitPriceCents: z.number().int().min(0).max(100_000_000) }).strict();
const skuSchema = orderItemSchema.shape.sku;

export function mountBillingRoutes(app: Express, db: Kysely<DB>, catalog: Catalog, clock: Clock): void {
  app.get('/prices', requireScope('billing:read'), async (_req, res) => {
    res.json({
      currency: catalog.currency,
      defaultUnitPriceCents: catalog.defaultPriceCents,
      prices: await listPrices(db),
    });
  });

  app.put('/prices/:sku', requireScope('billing:write'), async (req, res) => {
    const sku = readInput(skuSchema, req.params.sku, 'sku');
    const { unitPriceCents } = readInput(priceBodySchema, req.body, 'price');
    const price = { sku, unitPriceCents, currency: catalog.currency, updatedAt: clock() };
    await setPrice(db, price);
    res.json(price);
  });

  app.get('/charges', requireScope('billing:read'), async (req, res) => {
    const orderId = readOrderId(req.query.orderId, 'orderId');
    res.json({ charges: await findCharges(db, orderId) });
  });
}
