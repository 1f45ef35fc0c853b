import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderEventDataSchemas, isOrderEventType } from '../services/common/events/order-events.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';
import { seedOutbox } from './seed-outbox.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  await database.destroy();
});

describe('seeding the outbox for the relay drain', () => {
  it('commits exactly N valid order events, each order in lifecycle order', async () => {
    // When 3,001 events are seeded (more than one statement's worth, and not a whole order's)
    const counts = await seedOutbox(database.db, 3_001);

    // Then there are exactly that many, of every type, in the counts returned
    const rows = await database.db.selectFrom('outbox').selectAll().orderBy('position').execute();
    expect(rows).toHaveLength(3_001);
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(3_001);
    expect(Object.keys(counts).sort()).toEqual(
      ['OrderCancelled', 'OrderDelivered', 'OrderPlaced', 'OrderShipped'].sort(),
    );

    // And every payload honours the event contract the subscribers validate against
    for (const row of rows) {
      expect(isOrderEventType(row.event_type)).toBe(true);
      const schema = orderEventDataSchemas[row.event_type as keyof typeof orderEventDataSchemas];
      expect(schema.safeParse(row.payload).success).toBe(true);
      expect((row.payload as { orderId: string }).orderId).toBe(row.aggregate_id);
    }

    // And each order's events come in lifecycle order with consecutive versions, orders interleaved
    const byOrder = new Map<string, typeof rows>();
    for (const row of rows) byOrder.set(row.aggregate_id, [...(byOrder.get(row.aggregate_id) ?? []), row]);
    for (const events of byOrder.values()) {
      expect(events[0]!.event_type).toBe('OrderPlaced');
      expect(events.map((event) => event.aggregate_version)).toEqual(events.map((_, i) => i + 2));
    }
    const firstTypes = rows.slice(0, 40).map((row) => row.event_type);
    expect(new Set(firstTypes).size).toBeGreaterThan(1);
  });

  it('with fixed order ids, seeds the same orders into every database, valid for the contract', async () => {
    // Given two seedings of 500 events with fixed order ids (the outbox emptied between them)
    const seedOrders = async () => {
      await database.db.deleteFrom('outbox').execute();
      await seedOutbox(database.db, 500, { orderIds: 'fixed' });
      return database.db
        .selectFrom('outbox')
        .select(['aggregate_id', 'event_type', 'payload'])
        .orderBy('position')
        .execute();
    };
    const first = await seedOrders();
    const second = await seedOrders();

    // Then both hold the same orders with the same events, in the same order
    const shape = (rows: typeof first) => rows.map((row) => `${row.aggregate_id} ${row.event_type}`);
    expect(shape(second)).toEqual(shape(first));
    expect(new Set(first.map((row) => row.aggregate_id)).size).toBeGreaterThan(100);
    // And the ids are UUIDs the contract accepts
    for (const row of first) {
      const schema = orderEventDataSchemas[row.event_type as keyof typeof orderEventDataSchemas];
      expect(schema.safeParse(row.payload).success).toBe(true);
    }
  });
});
