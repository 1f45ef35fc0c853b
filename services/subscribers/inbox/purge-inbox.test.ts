import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { purgeInbox } from './purge-inbox.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  await database.destroy();
});

const DAY = 86_400_000;

describe('the inbox purge', () => {
  it('deletes the rows processed before the retention window and keeps the rest', async () => {
    // Given a clock at noon and rows processed 10 days, 7 days and a minute, and 1 day ago ...
    const now = new Date('2026-11-27T12:00:00.000Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const rows = [
      { event_id: uuidv7(), event_type: 'OrderPlaced', processed_at: ago(10 * DAY) },
      { event_id: uuidv7(), event_type: 'OrderShipped', processed_at: ago(7 * DAY + 60_000) },
      { event_id: uuidv7(), event_type: 'OrderPlaced', processed_at: ago(7 * DAY - 60_000) },
      { event_id: uuidv7(), event_type: 'OrderPlaced', processed_at: ago(DAY) },
    ];
    await database.db.insertInto('warehouse.inbox').values(rows).execute();
    await database.db
      .insertInto('billing.inbox')
      .values({ event_id: uuidv7(), event_type: 'OrderPlaced', processed_at: ago(30 * DAY) })
      .execute();

    // ... when the warehouse purges with a 7-day retention ...
    expect(await purgeInbox(database.db, 'warehouse', now, 7 * DAY)).toBe(2);

    // ... then only its two recent rows remain, and other services' inboxes are untouched.
    const left = await database.db.selectFrom('warehouse.inbox').select('event_id').execute();
    expect(left.map((row) => row.event_id).sort()).toEqual([rows[2]!.event_id, rows[3]!.event_id].sort());
    expect(await database.db.selectFrom('billing.inbox').select('event_id').execute()).toHaveLength(1);
    expect(await purgeInbox(database.db, 'warehouse', now, 7 * DAY)).toBe(0);
  });

  it('purges a backlog larger than one chunk completely', async () => {
    const now = new Date('2026-11-27T12:00:00.000Z');
    const old = new Date(now.getTime() - 8 * DAY);
    const rows = Array.from({ length: 25 }, () => ({
      event_id: uuidv7(),
      event_type: 'X',
      processed_at: old,
    }));
    await database.db.insertInto('email.inbox').values(rows).execute();
    expect(await purgeInbox(database.db, 'email', now, 7 * DAY, 10)).toBe(25);
    expect(await database.db.selectFrom('email.inbox').select('event_id').execute()).toEqual([]);
  });
});
