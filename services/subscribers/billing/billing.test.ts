import { describe, expect, it } from '@jest/globals';
import {
  itHonoursTheDeliveryContract,
  itTreatsAnOrderCancelledBeforePlacedAsNormal,
  serveSubscriber,
} from '../../../test/support/subscriber-contract.js';
import {
  deliver,
  getJson,
  type Json,
  newOrderId,
  orderEvents,
  sendJson,
} from '../../../test/support/subscriber-delivery.js';
import { itRefusesCallersWithoutTheScope } from '../../../test/support/subscriber-token-checks.js';
import { createBillingApp } from './create-billing-app.js';

const catalog = { currency: 'EUR', defaultPriceCents: 1000 };
const subscriber = serveSubscriber((options) => createBillingApp({ ...options, catalog }));
const send = (events: Parameters<typeof deliver>[2]) =>
  deliver(subscriber().baseUrl, subscriber().secret, events);
const charges = async (orderId: string): Promise<Json> =>
  (await getJson(`${subscriber().baseUrl}/charges?orderId=${orderId}`)).body.charges;
const putPrice = (sku: string, body: unknown) =>
  sendJson('PUT', `${subscriber().baseUrl}/prices/${sku}`, body);

itHonoursTheDeliveryContract({
  schema: 'billing',
  subscriber,
  lifecycle: (orderId) => [
    orderEvents.placed(orderId, [{ sku: 'UNPRICED-1', quantity: 3 }]),
    orderEvents.shipped(orderId),
    orderEvents.delivered(orderId),
  ],
  expectLifecycleApplied: async (orderId) => {
    expect(await charges(orderId)).toEqual([
      expect.objectContaining({ orderId, status: 'charged', amountCents: 3000, currency: 'EUR' }),
    ]);
  },
});

describe('billing', () => {
  itTreatsAnOrderCancelledBeforePlacedAsNormal({
    schema: 'billing',
    subscriber,
    expectNothingFor: async (orderId) => {
      expect(await charges(orderId)).toEqual([]);
    },
  });

  it('keeps a price catalog: PUT /prices/:sku sets a price that GET /prices lists', async () => {
    expect(await putPrice('MUG', { unitPriceCents: 1250 })).toEqual({
      status: 200,
      body: expect.objectContaining({ sku: 'MUG', unitPriceCents: 1250, currency: 'EUR' }),
    });
    const { body } = await getJson(`${subscriber().baseUrl}/prices`);
    expect(body).toMatchObject({ currency: 'EUR', defaultUnitPriceCents: 1000 });
    expect(body.prices).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: 'MUG', unitPriceCents: 1250 })]),
    );
  });

  it.each([
    [{ unitPriceCents: -1 }],
    [{ unitPriceCents: 9.99 }],
    [{ unitPriceCents: '100' }],
    [{}],
    [{ unitPriceCents: 100, currency: 'USD' }],
  ])('refuses the price %j with 400 and changes nothing', async (body) => {
    await putPrice('PEN', { unitPriceCents: 300 });
    const refused = await putPrice('PEN', body);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(expect.any(Array));
    const { body: catalogNow } = await getJson(`${subscriber().baseUrl}/prices`);
    expect(catalogNow.prices).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: 'PEN', unitPriceCents: 300 })]),
    );
  });

  it('charges one total for an order at catalog prices, the default price for unknown SKUs', async () => {
    await putPrice('LAMP', { unitPriceCents: 4599 });
    await putPrice('BULB', { unitPriceCents: 299 });
    const orderId = newOrderId();
    await send([
      orderEvents.placed(orderId, [
        { sku: 'LAMP', quantity: 1 },
        { sku: 'BULB', quantity: 4 },
        { sku: 'NOT-IN-CATALOG', quantity: 2 },
      ]),
    ]);
    expect(await charges(orderId)).toEqual([
      expect.objectContaining({
        status: 'charged',
        customerId: 'customer-1',
        amountCents: 4599 + 4 * 299 + 2 * 1000,
        currency: 'EUR',
        lines: [
          { sku: 'LAMP', quantity: 1, unitPriceCents: 4599, totalCents: 4599 },
          { sku: 'BULB', quantity: 4, unitPriceCents: 299, totalCents: 1196 },
          { sku: 'NOT-IN-CATALOG', quantity: 2, unitPriceCents: 1000, totalCents: 2000 },
        ],
        refundedAt: null,
      }),
    ]);
  });

  it('refunds the charge when the order is cancelled', async () => {
    const orderId = newOrderId();
    await send([orderEvents.placed(orderId, [{ sku: 'X', quantity: 1 }])]);
    await send([orderEvents.cancelled(orderId, 'found it cheaper')]);
    expect(await charges(orderId)).toEqual([
      expect.objectContaining({
        status: 'refunded',
        amountCents: 1000,
        cancelReason: 'found it cheaper',
        refundedAt: expect.any(String),
      }),
    ]);
  });

  it('charges and refunds in one batch, and keeps orders of a mixed batch apart', async () => {
    const [kept, cancelled] = [newOrderId(), newOrderId()];
    await send([
      orderEvents.placed(cancelled, [{ sku: 'X', quantity: 2 }]),
      orderEvents.placed(kept, [{ sku: 'X', quantity: 1 }]),
      orderEvents.cancelled(cancelled),
    ]);
    expect((await charges(kept))[0]).toMatchObject({ status: 'charged', amountCents: 1000 });
    expect((await charges(cancelled))[0]).toMatchObject({ status: 'refunded', amountCents: 2000 });
  });

  it('voids an order whose cancellation arrives before its OrderPlaced (a dead letter replayed late), and never charges that OrderPlaced', async () => {
    const orderId = newOrderId();
    await send([orderEvents.cancelled(orderId, 'dead letter')]);
    expect(await charges(orderId)).toEqual([
      expect.objectContaining({ status: 'voided', amountCents: null, chargedAt: null }),
    ]);
    await send([orderEvents.placed(orderId, [{ sku: 'X', quantity: 5 }])]);
    expect(await charges(orderId)).toEqual([
      expect.objectContaining({ status: 'voided', amountCents: 5000, chargedAt: null, refundedAt: null }),
    ]);
  });

  it('acknowledges events it does not act on (shipped, delivered) as ignored', async () => {
    const orderId = newOrderId();
    expect((await send([orderEvents.shipped(orderId), orderEvents.delivered(orderId)])).body).toEqual({
      processed: 0,
      duplicates: 0,
      ignored: 2,
    });
    expect(await charges(orderId)).toEqual([]);
  });

  it('answers 400 for GET /charges without a valid orderId', async () => {
    expect((await getJson(`${subscriber().baseUrl}/charges`)).status).toBe(400);
    expect((await getJson(`${subscriber().baseUrl}/charges?orderId=42`)).status).toBe(400);
  });
});

describe('tokens on the billing routes', () => {
  describe('PUT /prices/:sku', () => {
    itRefusesCallersWithoutTheScope({
      name: 'billing',
      subscriber,
      route: () => ({
        method: 'PUT',
        path: '/prices/GUARDED-SKU',
        body: { unitPriceCents: 1 },
        scope: 'billing:write',
      }),
      readState: async (): Promise<unknown> => {
        type Price = { sku: string; unitPriceCents: number };
        const listed = async () =>
          (await getJson<{ prices: Price[] }>(`${subscriber().baseUrl}/prices`)).body.prices;
        // Set once, by an operator: a refused PUT must leave exactly this price.
        if (!(await listed()).some((price) => price.sku === 'GUARDED-SKU')) {
          await putPrice('GUARDED-SKU', { unitPriceCents: 777 });
        }
        return (await listed()).find((price) => price.sku === 'GUARDED-SKU');
      },
    });
  });
  describe.each([['/prices'], [`/charges?orderId=${newOrderId()}`]])('GET %s', (path) => {
    itRefusesCallersWithoutTheScope({
      name: 'billing',
      subscriber,
      route: () => ({ method: 'GET', path, scope: 'billing:read' }),
    });
  });
});
