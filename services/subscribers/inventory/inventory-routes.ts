import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { requireScope } from '../../common/auth/require-scope.js';
import { z } from 'zod';
import type { DB } from '../../common/db/database.js';
import { orderItemSchema } from '../../common/events/order-events.js';
import { HttpProblem } from '../../common/http/problem.js';
import { readInput } from '../inbox/read-input.js';
import { readOrderId } from '../inbox/read-order-id.js';
import { findReservations } from './find-reservations.js';
import { findStock, restock } from './stock-queries.js';
import type { Clock } from '../../common/clock.js';

const skuSchema = orderItemSchema.shape.sku;
const restockBodySchema = z.object({ onHand: z.number().int().min(0).max(1_000_000_000) }).strict();

export function mountInventoryRoutes(app: Express, db: Kysely<DB>, clock: Clock): void {
  app.get('/stock/:sku', requireScope('inventory:read'), async (req, res) => {
    const sku = readInput(skuSchema, req.params.sku, 'sku');
    const stock = await findStock(db, sku);
    if (!stock) throw new HttpProblem(404, `No stock recorded for SKU ${sku}.`);
    res.json(stock);
  });

  app.put('/stock/:sku', requireScope('inventory:write'), async (req, res) => {
    const sku = readInput(skuSchema, req.params.sku, 'sku');
    const { onHand } = readInput(restockBodySchema, req.body, 'stock');
    const result = await restock(db, sku, onHand, clock());
    if (!result.ok) {
      throw new HttpProblem(
        409,
        `On hand cannot go below the ${result.stock.reserved} units of ${sku} already reserved.`,
        { extensions: { stock: result.stock } },
      );
    }
    res.json(result.stock);
  });

  app.get('/reservations', requireScope('inventory:read'), async (req, res) => {
    const orderId = readOrderId(req.query.orderId, 'orderId');
    res.json(await findReservations(db, orderId));
  });
}
