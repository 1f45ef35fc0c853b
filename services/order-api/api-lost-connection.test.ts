import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { waitFor } from '../../test/support/wait-for.js';
import { anOrder, createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';

/**
 * The Order API reaches PostgreSQL through a proxy that cuts the connection on cue, so a command's
 * write commits while the API sees `Connection terminated`: the retry must not write twice and must
 * not mistake its own write for someone else's.
 */
const api = useApiHarness({ throughProxy: true });

const proxy = () => api.proxy!;
const CREATE = /^insert into "orders"/;
const TRANSITION = /update orders/;
const COMMIT = /^commit$/i;

async function eventsOf(orderId: string): Promise<{ event_type: string; aggregate_version: number }[]> {
  return api.database.db
    .selectFrom('outbox')
    .select(['event_type', 'aggregate_version'])
    .where('aggregate_id', '=', orderId)
    .orderBy('position')
    .execute();
}

async function ordersOf(customerId: string): Promise<{ id: string }[]> {
  return api.database.db.selectFrom('orders').select('id').where('customer_id', '=', customerId).execute();
}

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await response.json()).toMatchObject({ status: 503, type: '/problems/database-unavailable' });
}

/**
 * Holds every write to `orders` after its row is written and before its statement can commit (a
 * trigger waits for an advisory lock this test holds), until release().
 */
async function pauseOrderWrites(): Promise<{ release(): Promise<void>; end(): Promise<void> }> {
  const db = api.database.db;
  await sql`create or replace function pause_order_write() returns trigger language plpgsql as $$
    begin perform pg_advisory_xact_lock_shared(4242); return null; end $$`.execute(db);
  await sql`create trigger pause_order_write after insert or update on orders
    for each row execute function pause_order_write()`.execute(db);
  const holder = new pg.Client({ connectionString: api.database.url });
  await holder.connect();
  await holder.query('select pg_advisory_lock(4242)');
  let held = true;
  const release = async () => {
    if (!held) return;
    held = false;
    await holder.query('select pg_advisory_unlock(4242)');
    await holder.end();
  };
  return {
    release,
    end: async () => {
      await release();
      await sql`drop trigger if exists pause_order_write on orders`.execute(db);
    },
  };
}

/** Backends of the test database waiting for a lock (a row, a transaction, an advisory lock). */
async function lockWaiters(): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(*) from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(api.database.db);
  return Number(rows[0]?.count);
}

describe('a command without Idempotency-Key whose connection is lost after it committed', () => {
  it('creates one order and answers 201 with it', async () => {
    const customerId = 'lost-create';
    const cut = proxy().cutAfterResponse(CREATE);

    const response = await api.post('/orders', { ...anOrder, customerId });
    await cut;

    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; version: number; status: string };
    expect(body).toMatchObject({ customerId, status: 'Pending', version: 1 });
    expect(response.headers.get('location')).toBe(`/orders/${body.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(await ordersOf(customerId)).toEqual([{ id: body.id }]);
    // Creating records no event, before the cut or after it.
    expect(await eventsOf(body.id)).toEqual([]);
  });

  it('places the order once and answers 200 with the order it placed, not 409', async () => {
    const id = await createOrderVia(api);
    const cut = proxy().cutAfterResponse(TRANSITION);

    const response = await api.post(`/orders/${id}/place`);
    await cut;

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await response.json()).toMatchObject({ id, status: 'Processing', version: 2 });
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
    expect(api.logLines.filter((line) => line.orderId === id && line.action === 'place')).toEqual([
      expect.objectContaining({ outcome: 'ok', recovered: true, events: 1 }),
    ]);
  });

  it('cancels the order once and answers 200 with the order it cancelled, not 409', async () => {
    const id = await createOrderVia(api);
    const cut = proxy().cutAfterResponse(TRANSITION);

    const response = await api.post(`/orders/${id}/cancel`, { reason: 'changed my mind' });
    await cut;

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await response.json()).toMatchObject({ id, status: 'Cancelled', version: 2 });
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderCancelled', aggregate_version: 2 }]);
  });

  it('answers as the first run would even with If-Match naming the version it replaced, not 412', async () => {
    const id = await createOrderVia(api);
    const cut = proxy().cutAfterResponse(TRANSITION);

    const response = await api.post(`/orders/${id}/place`, undefined, { 'if-match': '"1"' });
    await cut;

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
  });
});

describe('a command without Idempotency-Key whose write commits only after its connection was lost', () => {
  it('recognises a late place as its own when the retry is refused: 200, one event', async () => {
    // Given the order's writes held before they commit
    const id = await createOrderVia(api);
    const pause = await pauseOrderWrites();
    try {
      // When the place is cut off while the server still runs it, and its retry reads the order
      // before that first write commits and then waits behind it
      const cut = proxy().cutBeforeResponse(TRANSITION);
      const pending = api.post(`/orders/${id}/place`);
      await cut;
      await waitFor('the first write and the retry both waiting', async () => (await lockWaiters()) >= 2);
      await pause.release();

      // Then the retry, refused by the state the first write left, finds that write was its own
      const response = await pending;
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe('"2"');
      expect(await response.json()).toMatchObject({ id, status: 'Processing', version: 2 });
      expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
    } finally {
      await pause.end();
    }
  });

  it('recognises a late create as its own when the retry hits its id: 201, one order', async () => {
    const customerId = 'late-create';
    const pause = await pauseOrderWrites();
    try {
      const cut = proxy().cutBeforeResponse(CREATE);
      const pending = api.post('/orders', { ...anOrder, customerId });
      await cut;
      await waitFor('the first insert and the retry both waiting', async () => (await lockWaiters()) >= 2);
      await pause.release();

      const response = await pending;
      expect(response.status).toBe(201);
      const body = (await response.json()) as { id: string };
      expect(await ordersOf(customerId)).toEqual([{ id: body.id }]);
    } finally {
      await pause.end();
    }
  });
});

describe('a command whose outcome cannot be learnt (the database stays unreachable)', () => {
  it('answers 503 with Retry-After for a place, which the database holds exactly once', async () => {
    const id = await createOrderVia(api);
    try {
      const cut = proxy().cutAfterResponse(TRANSITION, { thenGoDown: true });
      const response = await api.post(`/orders/${id}/place`);
      await cut;
      await expectUnavailable(response);
    } finally {
      proxy().comeUp();
    }
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
    expect(await (await api.get(`/orders/${id}`)).json()).toMatchObject({ status: 'Processing', version: 2 });
  });

  it('answers 503 with Retry-After for a create, which the database holds exactly once', async () => {
    const customerId = 'unknown-create';
    try {
      const cut = proxy().cutAfterResponse(CREATE, { thenGoDown: true });
      const response = await api.post('/orders', { ...anOrder, customerId });
      await cut;
      await expectUnavailable(response);
    } finally {
      proxy().comeUp();
    }
    expect(await ordersOf(customerId)).toHaveLength(1);
  });
});

describe('a command with an Idempotency-Key whose connection is lost', () => {
  it('after its COMMIT: answers with the response it committed, one event, one key record', async () => {
    const id = await createOrderVia(api);
    const before = await api.counts();
    const cut = proxy().cutAfterResponse(COMMIT);

    const response = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'lost-commit' });
    await cut;

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await response.json()).toMatchObject({ id, status: 'Processing', version: 2 });
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
    expect(await api.counts()).toEqual({
      orders: before.orders,
      outbox: before.outbox + 1,
      idempotencyKeys: before.idempotencyKeys + 1,
    });
  });

  it('mid-transaction: the rolled-back attempt is run again, one event', async () => {
    const id = await createOrderVia(api);
    const cut = proxy().cutAfterResponse(TRANSITION);

    const response = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'lost-write' });
    await cut;

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
  });

  it('while the lost attempt still holds its key: 503 with Retry-After, not 409; then the retry applies once', async () => {
    // Given the order's writes held before they commit
    const id = await createOrderVia(api);
    const pause = await pauseOrderWrites();
    try {
      // When the keyed place is cut off while its transaction still runs on the server (holding the key)
      const cut = proxy().cutBeforeResponse(TRANSITION);
      const response = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'lost-held' });
      await cut;

      // Then the API cannot know how that transaction ends, and says so
      await expectUnavailable(response);
    } finally {
      await pause.end();
    }

    // And once it has ended (rolled back: its client is gone), the client's retry applies it once
    const retried = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'lost-held' });
    expect(retried.status).toBe(200);
    expect(await eventsOf(id)).toEqual([{ event_type: 'OrderPlaced', aggregate_version: 2 }]);
  });
});
