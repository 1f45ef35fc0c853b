import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { requireScope } from '../../common/auth/require-scope.js';
import type { DB } from '../../common/db/database.js';
import { HttpProblem } from '../../common/http/problem.js';
import { readOrderId } from '../inbox/read-order-id.js';
import { findShipment } from './find-shipment.js';

export function mountWarehouseRoutes(app: Express, db: Kysely<DB>): void {
  app.get('/shipments/:orderId', requireScope('warehouse:read'), async (req, res) => {
    const orderId = readOrderId(req.params.orderId, 'orderId');
    const shipment = await findShipment(db, orderId);
    if (!shipment) throw new HttpProblem(404, `No shipment for order ${orderId}.`);
    res.json(shipment);
  });
}
