import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { STREAM_START, type Checkpoint } from './checkpoint.js';
import { readStreamBatch } from './read-stream-batch.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  await database.destroy();
});

/** One committed transaction per event, as the Order API writes them; returns where each landed. */
async function append(types: string[]): Promise<Checkpoint[]> {
  const landed: Checkpoint[] = [];
  for (const type of types) {
    const { rows } = await sql<{ tx_id: string; position: string }>`
      insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
      values (gen_random_uuid(), 'Order', gen_random_uuid(), 2, ${type}, '{}', now())
      returning tx_id::text, position`.execute(database.db);
    landed.push({ txId: rows[0]!.tx_id, position: String(rows[0]!.position) });
  }
  return landed;
}

const placesOf = (batch: { events: { txId: string; position: string }[] }) =>
  batch.events.map((event) => ({ txId: event.txId, position: event.position }));

describe('reading a stream batch', () => {
  it('fills a batch with the subscription’s types only, skipping the others in SQL', async () => {
    const landed = await append([
      'OrderPlaced',
      'OrderShipped',
      'OrderShipped',
      'OrderPlaced',
      'OrderPlaced',
    ]);
    const batch = await readStreamBatch(database.db, STREAM_START, ['OrderPlaced'], 2);
    expect(placesOf(batch)).toEqual([landed[0], landed[3]]);
    expect(batch.events.map((event) => event.eventType)).toEqual(['OrderPlaced', 'OrderPlaced']);
    // A full batch says nothing about what lies beyond it.
    expect(batch.caughtUpTo).toBeNull();

    const rest = await readStreamBatch(database.db, landed[3]!, ['OrderPlaced'], 2);
    expect(placesOf(rest)).toEqual([landed[4]]);
    expect(rest.caughtUpTo).toEqual(landed[4]);
  });

  it('reports the last row behind the fence when the batch is short, so trailing other types are passed', async () => {
    const landed = await append(['OrderPlaced', 'OrderShipped', 'OrderDelivered']);
    // Just before the first of them (earlier tests' events lie before it).
    const start = { txId: landed[0]!.txId, position: String(BigInt(landed[0]!.position) - 1n) };
    const batch = await readStreamBatch(database.db, start, ['OrderPlaced'], 10);
    expect(placesOf(batch)).toEqual([landed[0]]);
    expect(batch.caughtUpTo).toEqual(landed[2]);

    const none = await readStreamBatch(database.db, start, ['OrderCancelled'], 10);
    expect(none.events).toEqual([]);
    expect(none.caughtUpTo).toEqual(landed[2]);

    expect(await readStreamBatch(database.db, landed[2]!, ['OrderPlaced'], 10)).toEqual({
      events: [],
      caughtUpTo: null,
      hiddenByFence: false,
    });
  });

  it('neither returns nor passes rows of a transaction still running, nor anything committed after it began', async () => {
    const [before] = await append(['OrderShipped']);
    const open = new pg.Client({ connectionString: database.url });
    await open.connect();
    try {
      await open.query('begin');
      await open.query(`insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
        values (gen_random_uuid(), 'Order', gen_random_uuid(), 2, 'OrderPlaced', '{}', now())`);
      const [later] = await append(['OrderPlaced']);

      const batch = await readStreamBatch(database.db, before!, ['OrderPlaced'], 10);
      // The open transaction holds the fence: the later commit waits behind it, unread and unpassed.
      // ...and the read says so, for the worker to look again soon.
      expect(batch).toEqual({ events: [], caughtUpTo: null, hiddenByFence: true });

      await open.query('commit');
      const after = await readStreamBatch(database.db, before!, ['OrderPlaced'], 10);
      expect(after.events).toHaveLength(2);
      expect(after.caughtUpTo).toEqual(later);
      expect(after.hiddenByFence).toBe(false);
    } finally {
      await open.end();
    }
  });
});
