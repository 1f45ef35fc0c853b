import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { STREAM_START } from './checkpoint.js';
import { readStreamBatch } from './read-stream-batch.js';

let database: TestDatabase;
const TYPES = ['OrderPlaced'];

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  // Given events of transactions whose ids gain a digit (9 -> 10, 99 -> 100), written out of
  // numeric order. Explicit tx ids far below any live transaction, so the fence lets them all through.
  for (const txId of ['100', '10', '9', '99', '11']) {
    await sql`
      insert into outbox (event_id, tx_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
      values (gen_random_uuid(), ${txId}::xid8, 'Order', gen_random_uuid(), 1, 'OrderPlaced', '{}', now())`.execute(
      database.db,
    );
  }
});

afterAll(async () => {
  await database.destroy();
});

describe('stream order', () => {
  it('is numeric transaction-id order, also where the ids gain a digit', async () => {
    const { events } = await readStreamBatch(database.db, STREAM_START, TYPES, 10);
    expect(events.map((event) => event.txId)).toEqual(['9', '10', '11', '99', '100']);
  });

  it('fills a small batch with the lowest transaction ids, then goes on after it without a gap', async () => {
    const first = await readStreamBatch(database.db, STREAM_START, TYPES, 2);
    expect(first.events.map((event) => event.txId)).toEqual(['9', '10']);
    const last = first.events.at(-1)!;
    const next = await readStreamBatch(database.db, { txId: last.txId, position: last.position }, TYPES, 10);
    expect(next.events.map((event) => event.txId)).toEqual(['11', '99', '100']);
    expect(next.caughtUpTo?.txId).toBe('100');
  });
});
