import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { purgeIdempotencyRecords } from './idempotency/purge-idempotency-records.js';
import { anOrder, createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';

const api = useApiHarness({ clock: () => now, idempotencyRetentionMs: 24 * 3_600_000 });
let now = new Date('2026-11-27T10:00:00.000Z');

async function snapshot(response: Response) {
  return {
    status: response.status,
    location: response.headers.get('location'),
    etag: response.headers.get('etag'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('Idempotency-Key', () => {
  it('replays the first response of a create for the same key and body, creating nothing more', async () => {
    const first = await snapshot(await api.post('/orders', anOrder, { 'idempotency-key': 'create-1' }));
    expect(first.status).toBe(201);
    const before = await api.counts();

    // The same JSON with its keys in another order is the same request.
    const reordered = { items: anOrder.items, customerId: anOrder.customerId };
    const again = await api.post('/orders', reordered, { 'idempotency-key': 'create-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await snapshot(again)).toEqual(first);
    expect(await api.counts()).toEqual(before);
    expect(api.logLines.filter((line) => line.orderId === first.body.id).map((line) => line.outcome)).toEqual(
      ['ok', 'replayed'],
    );
  });

  it('replays a place without recording a second event', async () => {
    const id = await createOrderVia(api);
    const first = await snapshot(
      await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'place-1' }),
    );
    expect(first.status).toBe(200);
    const before = await api.counts();
    const again = await snapshot(
      await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'place-1' }),
    );
    expect(again).toEqual(first);
    expect(await api.counts()).toEqual(before);
  });

  it('answers 422 when the key is reused with a different body, and writes nothing', async () => {
    await api.post('/orders', anOrder, { 'idempotency-key': 'create-2' });
    const before = await api.counts();
    const response = await api.post(
      '/orders',
      { ...anOrder, customerId: 'someone-else' },
      { 'idempotency-key': 'create-2' },
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ type: '/problems/idempotency-key-reused', status: 422 });
    expect(await api.counts()).toEqual(before);
  });

  it('answers 422 when the key is reused for the same action on another order', async () => {
    const a = await createOrderVia(api);
    const b = await createOrderVia(api);
    expect((await api.post(`/orders/${a}/cancel`, {}, { 'idempotency-key': 'cancel-1' })).status).toBe(200);
    expect((await api.post(`/orders/${b}/cancel`, {}, { 'idempotency-key': 'cancel-1' })).status).toBe(422);
    expect(await (await api.get(`/orders/${b}`)).json()).toMatchObject({ status: 'Pending' });
  });

  it('scopes keys by route: the same key on another route is another request', async () => {
    const created = await api.post('/orders', anOrder, { 'idempotency-key': 'shared-key' });
    const { id } = (await created.json()) as { id: string };
    const placed = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'shared-key' });
    expect(placed.status).toBe(200);
    expect(placed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('stores only successes: a refused request with a key is judged afresh when retried', async () => {
    const id = await createOrderVia(api);
    const before = await api.counts();
    expect((await api.post(`/orders/${id}/ship`, undefined, { 'idempotency-key': 'ship-1' })).status).toBe(
      409,
    );
    expect(await api.counts()).toEqual(before);
    await api.post(`/orders/${id}/place`);
    expect((await api.post(`/orders/${id}/ship`, undefined, { 'idempotency-key': 'ship-1' })).status).toBe(
      200,
    );
  });

  it('treats a key older than the retention as new, even before the purge job removes it', async () => {
    const first = (await (await api.post('/orders', anOrder, { 'idempotency-key': 'old-key' })).json()) as {
      id: string;
    };
    now = new Date(now.getTime() + 25 * 3_600_000);
    const second = await api.post('/orders', anOrder, { 'idempotency-key': 'old-key' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(((await second.json()) as { id: string }).id).not.toBe(first.id);
    // And the record now holds the new response.
    const replay = await api.post('/orders', anOrder, { 'idempotency-key': 'old-key' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('Idempotency-Key under concurrency', () => {
  it('answers 409 to a second request with the key while the first is still running', async () => {
    // Given the first request held inside its transaction (a trigger waits on a lock the test holds)
    const gate = new pg.Client({ connectionString: api.database.url });
    await gate.connect();
    await gate.query('select pg_advisory_lock(4242)');
    await sql`
      create or replace function wait_for_gate() returns trigger language plpgsql as $$
      begin perform pg_advisory_xact_lock(4242); return new; end $$`.execute(api.database.db);
    await sql`create trigger wait_for_gate before insert on orders
      for each row execute function wait_for_gate()`.execute(api.database.db);
    try {
      const first = api.post('/orders', anOrder, { 'idempotency-key': 'in-flight-1' });
      await waitUntil(async () => {
        const { rows } = await gate.query<{ waiting: string }>(
          `select count(*) as waiting from pg_locks
           where locktype = 'advisory' and objid = 4242 and not granted
             and database = (select oid from pg_database where datname = current_database())`,
        );
        return rows[0]?.waiting === '1';
      });

      // When a second request with the same key arrives
      const second = await api.post('/orders', anOrder, { 'idempotency-key': 'in-flight-1' });

      // Then it is told to retry later, and the first completes once released
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ type: '/problems/idempotency-key-in-flight' });
      await gate.query('select pg_advisory_unlock(4242)');
      const firstResponse = await first;
      expect(firstResponse.status).toBe(201);
      const created = (await firstResponse.json()) as { id: string };

      // And a retry after that gets the first response
      const third = await api.post('/orders', anOrder, { 'idempotency-key': 'in-flight-1' });
      expect(third.headers.get('idempotent-replayed')).toBe('true');
      expect(await third.json()).toEqual(created);
    } finally {
      await sql`drop trigger if exists wait_for_gate on orders`.execute(api.database.db);
      await gate.end();
    }
  });

  it('creates one order for two simultaneous requests with one key', async () => {
    const before = await api.counts();
    const responses = await Promise.all([
      api.post('/orders', anOrder, { 'idempotency-key': 'race-1' }),
      api.post('/orders', anOrder, { 'idempotency-key': 'race-1' }),
    ]);
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as { id?: string }[];
    const created = responses.filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const response of responses) expect([201, 409]).toContain(response.status);
    // Every 201 is the same order (the second a replay).
    expect(new Set(bodies.filter((body) => body.id).map((body) => body.id)).size).toBe(1);
    expect((await api.counts()).orders).toBe(before.orders + 1);
  });
});

describe('the idempotency key purge', () => {
  it('deletes the records older than the retention, and only those', async () => {
    const db = api.database.db;
    await db.deleteFrom('idempotency_keys').execute();
    const at = (hoursAgo: number) => new Date(Date.parse('2026-12-01T12:00:00Z') - hoursAgo * 3_600_000);
    for (const [key, hoursAgo] of [
      ['fresh', 1],
      ['almost', 23.9],
      ['expired', 24.1],
      ['ancient', 200],
    ] as const) {
      await db
        .insertInto('idempotency_keys')
        .values({
          scope: 'POST /orders',
          key,
          fingerprint: 'f',
          response_status: 201,
          response_body: '{}',
          created_at: at(hoursAgo),
        })
        .execute();
    }
    const purged = await purgeIdempotencyRecords(db, at(0), 24 * 3_600_000);
    expect(purged).toBe(2);
    const left = await db.selectFrom('idempotency_keys').select('key').orderBy('key').execute();
    expect(left.map((row) => row.key)).toEqual(['almost', 'fresh']);
  });
});

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never became true');
}
