import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { createOrder, type Order } from '../order.js';
import { insertOrder } from './insert-order.js';
import { writeChange } from './write-change.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  await database.destroy();
});

const now = new Date('2026-11-27T12:00:00.000Z');

async function pendingOrder(): Promise<Order> {
  const order = createOrder({ id: uuidv7(), customerId: 'c-1', items: [{ sku: 'A', quantity: 1 }] }, now);
  await insertOrder(database.db, order);
  return order;
}

const processing = (order: Order): Order => ({ ...order, status: 'Processing', version: order.version + 1 });

const eventsOf = (orderId: string) =>
  database.db
    .selectFrom('outbox')
    .select(['event_id', 'event_type', 'aggregate_version', 'payload', 'metadata'])
    .where('aggregate_id', '=', orderId)
    .orderBy('position')
    .execute();

describe('writeChange', () => {
  it('writes the order and appends its events, in the given order, in one statement', async () => {
    const order = await pendingOrder();
    const changed = processing(order);
    const eventIds = [uuidv7(), uuidv7()];
    const written = await writeChange(
      database.db,
      changed,
      order.version,
      [
        { type: 'OrderPlaced', data: { orderId: order.id, customerId: 'c-1', items: order.items } },
        { type: 'OrderCancelled', data: { orderId: order.id, reason: 'second of two' } },
      ],
      { correlationId: 'corr-1' },
      now,
      eventIds,
    );
    expect(written.written).toBe(true);
    const rows = await eventsOf(order.id);
    expect(rows.map((row) => row.event_type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(rows.map((row) => row.event_id)).toEqual(eventIds);
    expect(written).toEqual({ written: true, eventIds });
    expect(rows[1]).toMatchObject({
      aggregate_version: 2,
      payload: { orderId: order.id, reason: 'second of two' },
      metadata: { correlationId: 'corr-1' },
    });
    const stored = await database.db
      .selectFrom('orders')
      .select(['status', 'version'])
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'Processing', version: 2 });
  });

  it('writes nothing, neither the order nor an event, when the order moved since it was read', async () => {
    const order = await pendingOrder();
    const first = await writeChange(
      database.db,
      processing(order),
      order.version,
      [{ type: 'OrderPlaced', data: { orderId: order.id, customerId: 'c-1', items: order.items } }],
      {},
      now,
      [uuidv7()],
    );
    expect(first.written).toBe(true);

    // A second decision taken on the same (now stale) version 1
    const stale = await writeChange(
      database.db,
      { ...order, status: 'Cancelled', version: 2 },
      order.version,
      [{ type: 'OrderCancelled', data: { orderId: order.id, reason: null } }],
      {},
      now,
      [uuidv7()],
    );
    expect(stale).toEqual({ written: false });
    expect((await eventsOf(order.id)).map((row) => row.event_type)).toEqual(['OrderPlaced']);
  });

  it('answers not written for an order that does not exist', async () => {
    const ghost = createOrder({ id: uuidv7(), customerId: 'c', items: [{ sku: 'A', quantity: 1 }] }, now);
    expect(
      await writeChange(
        database.db,
        processing(ghost),
        1,
        [{ type: 'OrderPlaced', data: { orderId: ghost.id, customerId: 'c', items: ghost.items } }],
        {},
        now,
        [uuidv7()],
      ),
    ).toEqual({ written: false });
    expect(await eventsOf(ghost.id)).toEqual([]);
  });
});
