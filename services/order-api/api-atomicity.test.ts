import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { OUTBOX_NOTIFY_CHANNEL } from '../common/events/outbox-notify.js';
import { createOrderVia, useApiHarness } from '../../test/support/order-api-harness.js';

const api = useApiHarness();

/** Makes every outbox insert fail: a fault between the order write and the event write. */
async function breakOutboxInserts(): Promise<void> {
  await sql`
    create or replace function fail_outbox_insert() returns trigger language plpgsql as $$
    begin raise exception 'injected outbox failure'; end $$`.execute(api.database.db);
  await sql`create trigger fail_outbox_insert before insert on outbox
    for each row execute function fail_outbox_insert()`.execute(api.database.db);
}

async function repairOutboxInserts(): Promise<void> {
  await sql`drop trigger if exists fail_outbox_insert on outbox`.execute(api.database.db);
}

describe('the order and its events are written in one transaction', () => {
  it('leaves neither the order change nor the event when the outbox insert fails', async () => {
    // Given a Pending order, and an outbox that refuses inserts
    const id = await createOrderVia(api);
    await breakOutboxInserts();
    try {
      const before = await api.counts();

      // When it is placed (with an idempotency key, which would be stored with the command)
      const response = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'atomic-1' });

      // Then the request fails as a 500 without internals, and nothing of it was kept
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('injected');
      expect(await api.counts()).toEqual(before);
      expect(await (await api.get(`/orders/${id}`)).json()).toMatchObject({ status: 'Pending', version: 1 });
    } finally {
      await repairOutboxInserts();
    }

    // And once the fault is gone, the same request (same key) goes through as if new
    const retried = await api.post(`/orders/${id}/place`, undefined, { 'idempotency-key': 'atomic-1' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('gives every committed command its events: version n means events at versions 2..n', async () => {
    // Given a mix of orders driven through every path, some refused
    const paths = [
      [],
      ['place'],
      ['place', 'ship'],
      ['place', 'ship', 'deliver'],
      ['cancel'],
      ['place', 'cancel'],
    ];
    for (const path of paths) {
      const id = await createOrderVia(api);
      for (const action of [...path, 'deliver', 'place']) await api.post(`/orders/${id}/${action}`);
    }

    // Then for every order, the outbox holds exactly one event per accepted change, in version order
    const { rows } = await sql<{
      id: string;
      version: number;
      versions: number[] | null;
      types: string[] | null;
    }>`
      select o.id, o.version,
             array_agg(e.aggregate_version order by e.position) filter (where e.position is not null) as versions,
             array_agg(e.event_type order by e.position) filter (where e.position is not null) as types
      from orders o left join outbox e on e.aggregate_id = o.id
      group by o.id, o.version`.execute(api.database.db);
    expect(rows.length).toBeGreaterThanOrEqual(paths.length);
    for (const row of rows) {
      const expected = Array.from({ length: row.version - 1 }, (_, index) => index + 2);
      expect(row.versions ?? []).toEqual(expected);
    }
    const delivered = rows.find((row) => row.version === 4 && row.types?.at(-1) === 'OrderDelivered');
    expect(delivered?.types).toEqual(['OrderPlaced', 'OrderShipped', 'OrderDelivered']);
  });

  it('stamps each event with the order, its version, a UUIDv7 event id and the clock time', async () => {
    const id = await createOrderVia(api);
    const placed = (await (await api.post(`/orders/${id}/place`)).json()) as { updatedAt: string };
    const row = await api.database.db
      .selectFrom('outbox')
      .selectAll()
      .where('aggregate_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      aggregate_type: 'Order',
      aggregate_version: 2,
      event_type: 'OrderPlaced',
      event_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/),
    });
    // The order's updatedAt and the event's occurred_at are one reading of the injected clock.
    expect(row.occurred_at.toISOString()).toBe(placed.updatedAt);
  });

  it('wakes the relay once the command has committed: a listener is notified and finds the event', async () => {
    const id = await createOrderVia(api);
    const listener = new pg.Client({ connectionString: api.database.url });
    await listener.connect();
    try {
      await listener.query(`listen ${OUTBOX_NOTIFY_CHANNEL}`);
      const notified = new Promise<string>((resolve) => {
        listener.on('notification', (message) => {
          // A notification is only sent after the commit, so the event is already visible here.
          void listener
            .query<{ count: string }>('select count(*) from outbox where aggregate_id = $1', [id])
            .then(({ rows }) => resolve(`${message.channel}:${rows[0]?.count}`));
        });
      });
      expect((await api.post(`/orders/${id}/place`)).status).toBe(200);
      expect(await notified).toBe(`${OUTBOX_NOTIFY_CHANNEL}:1`);
    } finally {
      await listener.end();
    }
  });
});
