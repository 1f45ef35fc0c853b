import { describe, expect, it } from '@jest/globals';
import { ORDER_ACTIONS, ORDER_STATUSES, type OrderActionName, type OrderStatus } from './order.js';
import { anOrder, createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';

const api = useApiHarness();

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the order lifecycle over HTTP', () => {
  it('creates, places, ships and delivers an order, and returns its events as CloudEvents', async () => {
    // Given a new order
    const created = await api.post('/orders', anOrder);
    expect(created.status).toBe(201);
    const order = (await created.json()) as Record<string, unknown> & { id: string };
    expect(created.headers.get('location')).toBe(`/orders/${order.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{8}-[0-9a-f-]{4}-7/),
      customerId: 'customer-1',
      items: [
        { sku: 'SKU-MUG', quantity: 1 },
        { sku: 'SKU-TEA', quantity: 3 },
      ],
      status: 'Pending',
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await (await api.get(`/orders/${order.id}/events`)).json()).toEqual([]);

    // When it is placed, shipped and delivered
    const headers = { traceparent: TRACEPARENT, 'x-request-id': 'req-42' };
    for (const [action, status, version] of [
      ['place', 'Processing', 2],
      ['ship', 'Shipped', 3],
      ['deliver', 'Delivered', 4],
    ] as const) {
      const response = await api.post(`/orders/${order.id}/${action}`, undefined, headers);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${version}"`);
      expect(response.headers.get('x-correlation-id')).toBe('req-42');
      expect(await response.json()).toMatchObject({ id: order.id, status, version });
    }

    // Then reading it gives the last state, and its history gives one event per transition
    const read = await api.get(`/orders/${order.id}`);
    expect(read.headers.get('etag')).toBe('"4"');
    expect(await read.json()).toMatchObject({ status: 'Delivered', version: 4 });
    const events = await api.get(`/orders/${order.id}/events`);
    expect(events.headers.get('content-type')).toMatch(/^application\/cloudevents-batch\+json/);
    const body = (await events.json()) as Record<string, unknown>[];
    expect(body.map((event) => [event.type, event.aggregateversion])).toEqual([
      ['OrderPlaced', 2],
      ['OrderShipped', 3],
      ['OrderDelivered', 4],
    ]);
    expect(body[0]).toMatchObject({
      specversion: '1.0',
      id: expect.any(String),
      source: '/order-outbox/order-api',
      subject: order.id,
      datacontenttype: 'application/json',
      data: {
        orderId: order.id,
        customerId: 'customer-1',
        items: [
          { sku: 'SKU-MUG', quantity: 1 },
          { sku: 'SKU-TEA', quantity: 3 },
        ],
      },
      traceparent: TRACEPARENT,
      correlationid: 'req-42',
    });
    expect(body[1]?.data).toEqual({ orderId: order.id });
  });

  it('cancels from Pending with no reason and from Processing with one', async () => {
    const pending = await createOrderVia(api);
    const cancelled = await api.post(`/orders/${pending}/cancel`);
    expect(await cancelled.json()).toMatchObject({ status: 'Cancelled', version: 2 });

    const processing = await createOrderVia(api);
    await api.post(`/orders/${processing}/place`);
    const response = await api.post(`/orders/${processing}/cancel`, { reason: 'found it cheaper' });
    expect(response.status).toBe(200);
    const events = (await (await api.get(`/orders/${processing}/events`)).json()) as { data: unknown }[];
    expect(events.map((event) => event.data)).toEqual([
      expect.objectContaining({ orderId: processing }),
      { orderId: processing, reason: 'found it cheaper' },
    ]);
    const none = (await (await api.get(`/orders/${pending}/events`)).json()) as { data: unknown }[];
    expect(none.map((event) => event.data)).toEqual([{ orderId: pending, reason: null }]);
  });

  it('writes one log line per command with order id, action, outcome and duration, and counts it', async () => {
    const id = await createOrderVia(api);
    await api.post(`/orders/${id}/ship`);
    const lines = api.logLines.filter((line) => line.msg === 'order command' && line.orderId === id);
    expect(lines).toEqual([
      expect.objectContaining({ action: 'create', outcome: 'ok', durationMs: expect.any(Number) }),
      expect.objectContaining({ action: 'ship', outcome: 'refused', durationMs: expect.any(Number) }),
    ]);
    const metrics = await (await api.get('/metrics')).text();
    expect(metrics).toMatch(/order_commands_total\{[^}]*action="ship",outcome="refused"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/orders\/:id\/ship"[^}]*status="409"/);
  });
});

describe('refused transitions', () => {
  /** Drives a new order into `status` through the API. */
  async function orderIn(status: OrderStatus): Promise<string> {
    const id = await createOrderVia(api);
    const path: Record<OrderStatus, OrderActionName[]> = {
      Pending: [],
      Processing: ['place'],
      Shipped: ['place', 'ship'],
      Delivered: ['place', 'ship', 'deliver'],
      Cancelled: ['cancel'],
    };
    for (const action of path[status]) expect((await api.post(`/orders/${id}/${action}`)).status).toBe(200);
    return id;
  }
  const allowed = new Set([
    'Pending:place',
    'Pending:cancel',
    'Processing:ship',
    'Processing:cancel',
    'Shipped:deliver',
  ]);
  const refused = ORDER_STATUSES.flatMap((status) =>
    ORDER_ACTIONS.filter((action) => !allowed.has(`${status}:${action}`)).map(
      (action) => [status, action] as const,
    ),
  );

  it.each(refused)(
    'refuses %s -> %s with 409 naming the status, and changes nothing',
    async (status, action) => {
      const id = await orderIn(status);
      const before = await api.counts();
      const response = await api.post(`/orders/${id}/${action}`);
      expect(response.status).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({
        type: '/problems/transition-refused',
        status: 409,
        currentStatus: status,
        action,
        detail: expect.stringContaining(`it is ${status}`),
      });
      expect(await api.counts()).toEqual(before);
      expect(await (await api.get(`/orders/${id}`)).json()).toMatchObject({ status });
    },
  );

  it('answers 404 for an order that does not exist, on every route', async () => {
    const unknown = '019ac5a4-7a9e-7cc1-8e11-000000000999';
    for (const action of ORDER_ACTIONS)
      expect((await api.post(`/orders/${unknown}/${action}`)).status).toBe(404);
    expect((await api.get(`/orders/${unknown}`)).status).toBe(404);
    expect((await api.get(`/orders/${unknown}/events`)).status).toBe(404);
  });
});

describe('If-Match', () => {
  it('applies the command when the version matches and answers 412 when it is stale', async () => {
    const id = await createOrderVia(api);
    const stale = await api.post(`/orders/${id}/place`, undefined, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ currentVersion: 1 });
    expect(await (await api.get(`/orders/${id}`)).json()).toMatchObject({ status: 'Pending', version: 1 });

    const fresh = await api.post(`/orders/${id}/place`, undefined, { 'if-match': '"1"' });
    expect(fresh.status).toBe(200);
    expect((await api.post(`/orders/${id}/ship`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await api.post(`/orders/${id}/ship`, undefined, { 'if-match': '*' })).status).toBe(200);
  });
});

describe('listing orders', () => {
  it('pages newest first with a cursor and filters by customer and status', async () => {
    const customerId = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createOrderVia(api, { customerId, items: ['SKU-A'] }));
    await api.post(`/orders/${ids[1]}/place`);
    await api.post(`/orders/${ids[3]}/place`);

    const first = (await (await api.get(`/orders?customerId=${customerId}&limit=2`)).json()) as {
      items: { id: string }[];
      next: string | null;
    };
    expect(first.items.map((order) => order.id)).toEqual([ids[4], ids[3]]);
    expect(first.next).toBe(ids[3]);
    const second = (await (
      await api.get(`/orders?customerId=${customerId}&limit=2&after=${first.next}`)
    ).json()) as {
      items: { id: string }[];
      next: string | null;
    };
    expect(second.items.map((order) => order.id)).toEqual([ids[2], ids[1]]);
    const third = (await (
      await api.get(`/orders?customerId=${customerId}&limit=2&after=${second.next}`)
    ).json()) as {
      items: { id: string }[];
      next: string | null;
    };
    expect(third).toMatchObject({ items: [{ id: ids[0] }], next: null });

    const processing = (await (
      await api.get(`/orders?customerId=${customerId}&status=Processing`)
    ).json()) as {
      items: { id: string }[];
    };
    expect(processing.items.map((order) => order.id)).toEqual([ids[3], ids[1]]);
  });
});
