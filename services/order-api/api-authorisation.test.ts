import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  anOrder,
  createOrderVia,
  useApiHarness,
  type ApiClient,
} from '../../test/support/order-api-harness.js';
import { customerToken, testToken } from '../../test/support/test-tokens.js';

const api = useApiHarness();

let customers = 0;
/** A customer of its own for each test, with its token: no test sees another's orders. */
async function aCustomer(): Promise<{ id: string; client: ApiClient }> {
  const id = `customer-authz-${++customers}`;
  return { id, client: api.as(await customerToken(id)) };
}

const orderOf = (customerId: string) => ({ ...anOrder, customerId });

/** The order row and how many outbox events it has: what a refused command must leave as it was. */
async function stateOf(orderId: string) {
  const order = await api.database.db
    .selectFrom('orders')
    .select(['status', 'version', 'customer_id'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow();
  const events = await api.database.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('aggregate_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return { ...order, events: Number(events.count) };
}

/** A 404 body with the order id taken out, to compare with the 404 of an order that never existed. */
async function notFoundShape(response: Response, orderId: string) {
  expect(response.status).toBe(404);
  const body = (await response.json()) as Record<string, unknown>;
  return JSON.parse(JSON.stringify(body).replaceAll(orderId, '<id>')) as Record<string, unknown>;
}

describe("a customer and another customer's order", () => {
  it('reads it, and its events, as 404 exactly like an order that does not exist', async () => {
    const owner = await aCustomer();
    const other = await aCustomer();
    const id = await createOrderVia(owner.client, orderOf(owner.id));
    const missing = randomUUID();

    for (const path of ['', '/events']) {
      const theirs = await notFoundShape(await other.client.get(`/orders/${id}${path}`), id);
      const nobodys = await notFoundShape(await other.client.get(`/orders/${missing}${path}`), missing);
      expect(theirs).toEqual(nobodys);
    }
    expect((await owner.client.get(`/orders/${id}`)).status).toBe(200);
    expect((await owner.client.get(`/orders/${id}/events`)).status).toBe(200);
  });

  it.each(['place', 'cancel'])(
    '%s is 404 like a missing order, and the order and the outbox stay as they were',
    async (action) => {
      const owner = await aCustomer();
      const other = await aCustomer();
      const id = await createOrderVia(owner.client, orderOf(owner.id));
      const before = { order: await stateOf(id), counts: await api.counts() };
      const missing = randomUUID();

      for (const headers of [{}, { 'idempotency-key': `steal-${action}` }] as Record<string, string>[]) {
        const theirs = await notFoundShape(
          await other.client.post(`/orders/${id}/${action}`, undefined, headers),
          id,
        );
        const nobodys = await notFoundShape(
          await other.client.post(`/orders/${missing}/${action}`, undefined, headers),
          missing,
        );
        expect(theirs).toEqual(nobodys);
      }
      expect(await stateOf(id)).toEqual(before.order);
      expect(await api.counts()).toEqual(before.counts);
      // The owner still can.
      expect((await owner.client.post(`/orders/${id}/${action}`)).status).toBe(200);
    },
  );
});

describe('a customer and the lists of orders', () => {
  it("lists only its own orders, with or without naming itself, never another customer's", async () => {
    const owner = await aCustomer();
    const other = await aCustomer();
    const own = [
      await createOrderVia(owner.client, orderOf(owner.id)),
      await createOrderVia(api, orderOf(owner.id)),
    ];
    await createOrderVia(other.client, orderOf(other.id));

    for (const query of ['', `?customerId=${owner.id}`]) {
      const page = (await (await owner.client.get(`/orders${query}`)).json()) as {
        items: { id: string; customerId: string }[];
      };
      expect(page.items.map((order) => order.id).sort()).toEqual([...own].sort());
    }
  });

  it("is refused with 403 not-your-customer when it asks for another customer's list", async () => {
    const owner = await aCustomer();
    const other = await aCustomer();
    await createOrderVia(other.client, orderOf(other.id));
    const response = await owner.client.get(`/orders?customerId=${other.id}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({
      type: '/problems/not-your-customer',
      status: 403,
      customerId: other.id,
    });
  });

  it("lets an admin list any customer's orders", async () => {
    const owner = await aCustomer();
    const id = await createOrderVia(owner.client, orderOf(owner.id));
    const page = (await (await api.get(`/orders?customerId=${owner.id}`)).json()) as {
      items: { id: string }[];
    };
    expect(page.items.map((order) => order.id)).toEqual([id]);
  });
});

describe('creating an order', () => {
  it('for another customer is 403 not-your-customer and writes nothing, with or without a key', async () => {
    const owner = await aCustomer();
    const before = await api.counts();
    for (const headers of [{}, { 'idempotency-key': 'for-someone-else' }] as Record<string, string>[]) {
      const response = await owner.client.post('/orders', orderOf('customer-someone-else'), headers);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        type: '/problems/not-your-customer',
        customerId: 'customer-someone-else',
      });
    }
    expect(await api.counts()).toEqual(before);
    expect(api.logLines).toContainEqual(expect.objectContaining({ action: 'create', outcome: 'forbidden' }));
  });

  it('without orders:create is 403 insufficient-scope, with the challenge naming the scope, and writes nothing', async () => {
    const reader = api.as(await testToken({ subject: 'customer-reader', scopes: ['orders:read'] }));
    const before = await api.counts();
    const response = await reader.post('/orders', orderOf('customer-reader'));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="orders:create"',
    );
    expect(await response.json()).toMatchObject({
      type: '/problems/insufficient-scope',
      requiredScope: 'orders:create',
    });
    expect(await api.counts()).toEqual(before);
  });
});

describe('scopes per route', () => {
  it.each(['ship', 'deliver'])(
    "a customer's token cannot %s, not even its own order: 403 and nothing changes",
    async (action) => {
      const owner = await aCustomer();
      const id = await createOrderVia(owner.client, orderOf(owner.id));
      await owner.client.post(`/orders/${id}/place`);
      if (action === 'deliver') await api.post(`/orders/${id}/ship`);
      const before = { order: await stateOf(id), counts: await api.counts() };

      const response = await owner.client.post(`/orders/${id}/${action}`);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ requiredScope: 'orders:fulfil' });
      expect(await stateOf(id)).toEqual(before.order);
      expect(await api.counts()).toEqual(before.counts);
    },
  );

  it("a fulfilment token ships and delivers any customer's order, and may do nothing else", async () => {
    const owner = await aCustomer();
    const id = await createOrderVia(owner.client, orderOf(owner.id));
    await owner.client.post(`/orders/${id}/place`);
    const warehouse = api.as(await testToken({ subject: 'warehouse-service', scopes: ['orders:fulfil'] }));

    expect((await warehouse.post(`/orders/${id}/ship`)).status).toBe(200);
    expect((await warehouse.post(`/orders/${id}/deliver`)).status).toBe(200);
    expect((await warehouse.get(`/orders/${id}`)).status).toBe(403);
    expect((await warehouse.post(`/orders/${id}/cancel`)).status).toBe(403);
    expect((await warehouse.post('/orders', orderOf('warehouse-service'))).status).toBe(403);
  });

  it('a token without orders:read cannot read an order, its events or a list', async () => {
    const owner = await aCustomer();
    const id = await createOrderVia(owner.client, orderOf(owner.id));
    const creator = api.as(await testToken({ subject: owner.id, scopes: ['orders:create'] }));
    for (const path of [`/orders/${id}`, `/orders/${id}/events`, '/orders']) {
      const response = await creator.get(path);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ requiredScope: 'orders:read' });
    }
  });
});

describe('an Idempotency-Key reused by another caller', () => {
  it("never replays the first caller's response: the second caller's request runs as its own", async () => {
    const first = await aCustomer();
    const second = await aCustomer();
    const key = { 'idempotency-key': 'shared-key-1' };

    const original = await first.client.post('/orders', orderOf(first.id), key);
    expect(original.status).toBe(201);
    const originalId = ((await original.json()) as { id: string }).id;

    // The same key with another body: not "reused with a different request" (422), a request of its own.
    const theirs = await second.client.post('/orders', orderOf(second.id), key);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(((await theirs.json()) as { id: string; customerId: string }).customerId).toBe(second.id);

    // An operator sending the very same request with the same key creates its own order.
    const before = await api.counts();
    const operators = await api.post('/orders', orderOf(first.id), key);
    expect(operators.status).toBe(201);
    expect(operators.headers.get('idempotent-replayed')).toBeNull();
    expect(((await operators.json()) as { id: string }).id).not.toBe(originalId);
    expect((await api.counts()).orders).toBe(before.orders + 1);

    // The first caller still gets its own stored response back.
    const replay = await first.client.post('/orders', orderOf(first.id), key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replay.json()) as { id: string }).id).toBe(originalId);
  });
});

describe('with AUTH_MODE=off', () => {
  const open = useApiHarness({ auth: { mode: 'off' } });

  it('serves requests without a token, and warned at start that anyone can do anything', async () => {
    const anyone = open.as(null);
    const id = await createOrderVia(anyone, orderOf('customer-open'));
    expect((await anyone.post(`/orders/${id}/place`)).status).toBe(200);
    expect((await anyone.get(`/orders?customerId=customer-open`)).status).toBe(200);
    expect(open.logLines).toContainEqual(
      expect.objectContaining({ level: 40, authMode: 'off', msg: expect.stringContaining('AUTH_MODE=off') }),
    );
  });
});
