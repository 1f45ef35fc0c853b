import { describe, expect, it } from '@jest/globals';
import { expectMalformedPathProblem, MALFORMED_PATH_SEGMENTS } from '../../../test/support/malformed-path.js';
import {
  itHonoursTheDeliveryContract,
  itTreatsAnOrderCancelledBeforePlacedAsNormal,
  serveSubscriber,
} from '../../../test/support/subscriber-contract.js';
import { deliver, getJson, newOrderId, orderEvents } from '../../../test/support/subscriber-delivery.js';
import { itRefusesCallersWithoutTheScope } from '../../../test/support/subscriber-token-checks.js';
import { createWarehouseApp } from './create-warehouse-app.js';

const subscriber = serveSubscriber(createWarehouseApp);
const send = (events: Parameters<typeof deliver>[2]) =>
  deliver(subscriber().baseUrl, subscriber().secret, events);
const shipment = (orderId: string) => getJson(`${subscriber().baseUrl}/shipments/${orderId}`);
const items = [{ sku: 'BOOK-1', quantity: 2 }];

itHonoursTheDeliveryContract({
  schema: 'warehouse',
  subscriber,
  lifecycle: (orderId) => [
    orderEvents.placed(orderId, items),
    orderEvents.shipped(orderId),
    orderEvents.delivered(orderId),
  ],
  expectLifecycleApplied: async (orderId) => {
    const { status, body } = await shipment(orderId);
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderId, status: 'delivered', customerId: 'customer-1', items });
    expect(body.shippedAt).toEqual(expect.any(String));
    expect(body.deliveredAt).toEqual(expect.any(String));
  },
});

describe('the warehouse', () => {
  itTreatsAnOrderCancelledBeforePlacedAsNormal({
    schema: 'warehouse',
    subscriber,
    expectNothingFor: async (orderId) => {
      expect((await shipment(orderId)).status).toBe(404);
    },
  });

  it('opens a shipment awaiting pick, then ships and delivers it, one batch per event', async () => {
    const orderId = newOrderId();
    await send([orderEvents.placed(orderId, items, 'customer-7')]);
    expect((await shipment(orderId)).body).toMatchObject({
      status: 'awaiting_pick',
      customerId: 'customer-7',
      items,
      shippedAt: null,
    });
    await send([orderEvents.shipped(orderId)]);
    expect((await shipment(orderId)).body).toMatchObject({ status: 'shipped', deliveredAt: null });
    await send([orderEvents.delivered(orderId)]);
    expect((await shipment(orderId)).body).toMatchObject({ status: 'delivered' });
  });

  it('cancels a shipment awaiting pick, keeping the reason', async () => {
    const orderId = newOrderId();
    const response = await send([
      orderEvents.placed(orderId, items),
      orderEvents.cancelled(orderId, 'too slow'),
    ]);
    expect(response.body).toEqual({ processed: 2, duplicates: 0, ignored: 0 });
    expect((await shipment(orderId)).body).toMatchObject({ status: 'cancelled', cancelReason: 'too slow' });
  });

  it('keeps each order right whatever else is in the batch', async () => {
    const [a, b, c] = [newOrderId(), newOrderId(), newOrderId()];
    await send([
      orderEvents.placed(a, items),
      orderEvents.placed(b, items),
      orderEvents.shipped(a),
      orderEvents.placed(c, items),
      orderEvents.cancelled(b, null),
      orderEvents.shipped(c),
      orderEvents.delivered(c),
    ]);
    expect((await shipment(a)).body.status).toBe('shipped');
    expect((await shipment(b)).body.status).toBe('cancelled');
    expect((await shipment(c)).body.status).toBe('delivered');
  });

  it('records a shipment first seen through OrderShipped, and fills it in when OrderPlaced arrives late', async () => {
    const orderId = newOrderId();
    await send([orderEvents.shipped(orderId)]);
    expect((await shipment(orderId)).body).toMatchObject({
      status: 'shipped',
      items: null,
      customerId: null,
    });
    await send([orderEvents.placed(orderId, items)]);
    expect((await shipment(orderId)).body).toMatchObject({
      status: 'shipped',
      items,
      customerId: 'customer-1',
    });
    const metrics = await (await fetch(`${subscriber().baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/inbox_unseen_order_events_total\{[^}]*\} [1-9]/);
  });

  it('never moves a shipment backwards: a cancellation after shipping changes nothing', async () => {
    const orderId = newOrderId();
    await send([orderEvents.placed(orderId, items), orderEvents.shipped(orderId)]);
    await send([orderEvents.cancelled(orderId)]);
    expect((await shipment(orderId)).body).toMatchObject({ status: 'shipped', cancelledAt: null });
  });

  it('answers 404 for an order without a shipment and 400 for an id that is not a UUID', async () => {
    expect((await shipment(newOrderId())).status).toBe(404);
    const bad = await shipment('nope');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/orderId/);
  });
});

describe('the warehouse, given a path that is not valid percent-encoding', () => {
  it.each(MALFORMED_PATH_SEGMENTS)('answers 400, not 500, for %s', async (segment) => {
    await expectMalformedPathProblem(await fetch(`${subscriber().baseUrl}/shipments/${segment}`));
  });
});

describe('tokens on the warehouse routes', () => {
  itRefusesCallersWithoutTheScope({
    name: 'warehouse',
    subscriber,
    route: () => ({ method: 'GET', path: `/shipments/${newOrderId()}`, scope: 'warehouse:read' }),
  });
});
