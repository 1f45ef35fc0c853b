import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { callerOf } from '../../common/auth/caller.js';
import { requireScope } from '../../common/auth/require-scope.js';
import type { DB } from '../../common/db/database.js';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE, toCloudEvent } from '../../common/events/cloud-event.js';
import { HttpProblem } from '../../common/http/problem.js';
import { findOrder } from '../store/find-order.js';
import { listOrderEvents } from '../store/list-order-events.js';
import { listOrders } from '../store/list-orders.js';
import { etagOf } from './if-match.js';
import { notYourCustomer, ordersOwnedBy } from './order-access.js';
import { toOrderJson } from './order-json.js';
import { listOrdersQuerySchema, orderIdParamsSchema } from './schemas.js';
import { parseAt, validationProblem } from '../../common/http/validation.js';

/**
 * GET /orders, GET /orders/:id and GET /orders/:id/events, with orders:read. Without orders:admin
 * a caller sees its own orders only: another customer's order is 404 like a missing one, and a
 * list names no other customer.
 */
export function mountQueryRoutes(app: Express, db: Kysely<DB>): void {
  app.get('/orders', requireScope('orders:read'), async (req, res) => {
    const query = parseAt('query', listOrdersQuerySchema, req.query);
    if (!query.ok) throw validationProblem(query.errors);
    const owner = ordersOwnedBy(callerOf(res));
    const { customerId } = query.value;
    if (owner !== undefined && customerId !== undefined && customerId !== owner) {
      throw notYourCustomer(customerId, owner);
    }
    const page = await listOrders(db, { ...query.value, customerId: customerId ?? owner });
    res.json({ items: page.items.map(toOrderJson), next: page.next });
  });

  app.get('/orders/:id', requireScope('orders:read'), async (req, res) => {
    const params = parseAt('path', orderIdParamsSchema, req.params);
    if (!params.ok) throw validationProblem(params.errors);
    const order = await findOrder(db, params.value.id, ordersOwnedBy(callerOf(res)));
    if (!order) throw new HttpProblem(404, `Order ${params.value.id} does not exist.`);
    res.set('ETag', etagOf(order.version)).json(toOrderJson(order));
  });

  app.get('/orders/:id/events', requireScope('orders:read'), async (req, res) => {
    const params = parseAt('path', orderIdParamsSchema, req.params);
    if (!params.ok) throw validationProblem(params.errors);
    // Order first: an order with no events yet is [], an order that never existed (or is not the
    // caller's to see) is 404.
    const order = await findOrder(db, params.value.id, ordersOwnedBy(callerOf(res)));
    if (!order) throw new HttpProblem(404, `Order ${params.value.id} does not exist.`);
    const events = await listOrderEvents(db, order.id);
    res.type(CLOUDEVENTS_BATCH_CONTENT_TYPE).send(JSON.stringify(events.map(toCloudEvent)));
  });
}
