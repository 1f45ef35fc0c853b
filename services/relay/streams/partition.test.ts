import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { insertOutboxEvents, orderEvents } from '../../../test/support/outbox-events.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { STREAM_START } from './checkpoint.js';
import { inPartition } from './partition.js';
import { readStreamBatch } from './read-stream-batch.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.destroy();
});

/** The stored key of each given order id, as PostgreSQL computes it. */
async function keys(ids: string[]): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; key: string }>`
    select id::text, outbox_partition_key(id)::text as key from unnest(${ids}::uuid[]) as id`.execute(
    database.db,
  );
  return new Map(rows.map((row) => [row.id, row.key]));
}

describe('the partition of an event', () => {
  it('has a key pinned for known order ids: a change of the function would move stored events', async () => {
    // Values fixed when partitions were introduced; they must never change (see the migration).
    expect(
      Object.fromEntries(
        await keys([
          '00000000-0000-0000-0000-000000000000',
          '0193a1b2-0000-7000-8000-000000000001',
          'ffffffff-ffff-ffff-ffff-ffffffffffff',
          '6f1c2a9e-4b7d-4c3e-9a51-2d8e0f7b1c44',
        ]),
      ),
    ).toEqual({
      '00000000-0000-0000-0000-000000000000': '927402239',
      '0193a1b2-0000-7000-8000-000000000001': '2867871655',
      'ffffffff-ffff-ffff-ffff-ffffffffffff': '1522967956',
      '6f1c2a9e-4b7d-4c3e-9a51-2d8e0f7b1c44': '1436863922',
    });
  });

  it('is the first 32 bits of the SHA-256 of the order id, as any other SHA-256 computes it', async () => {
    const ids = Array.from({ length: 1_000 }, () => randomUUID());
    const stored = await keys(ids);
    for (const id of ids) {
      const digest = createHash('sha256')
        .update(Buffer.from(id.replaceAll('-', ''), 'hex'))
        .digest();
      expect(stored.get(id)).toBe(String(digest.readUInt32BE(0)));
    }
  });

  it('is stored with each event, the same for every event of an order, and puts each event in exactly one partition', async () => {
    await insertOutboxEvents(database.db, orderEvents(500, 4));
    const { rows: perOrder } = await sql<{ keys: number }>`
      select count(distinct partition_key)::int as keys from outbox group by aggregate_id`.execute(
      database.db,
    );
    expect(perOrder).toHaveLength(500);
    expect(perOrder.every((row) => row.keys === 1)).toBe(true);
    const { rows: recomputed } = await sql<{ differ: number }>`
      select count(*)::int as differ from outbox
      where partition_key <> outbox_partition_key(aggregate_id)`.execute(database.db);
    expect(recomputed[0]!.differ).toBe(0);

    for (const partitions of [1, 4, 8, 1024]) {
      const { rows } = await sql<{ partition: number; events: number }>`
        select p as partition, (
          select count(*)::int from outbox
          where ${inPartition(sql.ref('outbox.partition_key'), partitions, sql.ref('p'))}) as events
        from generate_series(0, ${partitions - 1}::int) as p`.execute(database.db);
      // Every event counted once over the partitions: in one, never in two, never in none
      expect(rows.reduce((sum, row) => sum + row.events, 0)).toBe(2_000);
      if (partitions <= 8) expect(rows.every((row) => row.events > 0)).toBe(true);
    }

    // A stream read of one partition returns only that partition's orders, each order whole
    const { events } = await readStreamBatch(
      database.db,
      STREAM_START,
      ['OrderPlaced', 'OrderShipped'],
      5_000,
      {
        partition: 2,
        partitions: 4,
      },
    );
    const { rows: wanted } = await sql<{ events: number }>`
      select count(*)::int as events from outbox
      where event_type in ('OrderPlaced', 'OrderShipped') and mod(partition_key, 4) = 2`.execute(database.db);
    expect(events).toHaveLength(wanted[0]!.events);
  });
});
