import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { DEFAULT_SUBSCRIBERS } from '../../../services/common/events/default-subscribers.js';
import { insertOutboxEvents, orderEvents } from '../../support/outbox-events.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { InboxAudit } from './inbox-audit.js';

let database: TestDatabase;
let audit: InboxAudit;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  audit = new InboxAudit(database.url, {});
});

afterAll(async () => {
  await audit?.close();
  await database?.destroy();
});

describe('the inbox audit', () => {
  it('counts, per subscriber, the events younger than a transaction and those recorded before a moment', async () => {
    // Given an event written before transaction `xid`, and two written after it
    const [older, early, late] = orderEvents(3, 1);
    await insertOutboxEvents(database.db, [older!]);
    const { rows } = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(
      database.db,
    );
    const xid = rows[0]!.xid;
    await insertOutboxEvents(database.db, [early!]);
    await insertOutboxEvents(database.db, [late!]);

    // And email recorded the older one and the early one before the moment, the late one after it
    const moment = new Date(Date.now() + 60_000);
    const recorded = (eventId: string, offsetMs: number) =>
      sql`insert into email.inbox (event_id, event_type, processed_at)
          values (${eventId}, 'OrderPlaced', ${new Date(moment.getTime() + offsetMs)})`.execute(database.db);
    await recorded(older!.eventId, -2_000);
    await recorded(early!.eventId, -1_000);
    await recorded(late!.eventId, 1_000);

    // Then email had one of the two younger events before the moment; warehouse had none
    const email = DEFAULT_SUBSCRIBERS.find((subscriber) => subscriber.name === 'email')!;
    const warehouse = DEFAULT_SUBSCRIBERS.find((subscriber) => subscriber.name === 'warehouse')!;
    expect(await audit.recordedBehind(xid, moment, [email, warehouse])).toEqual([
      { subscriber: 'email', behind: 2, recordedBefore: 1 },
      { subscriber: 'warehouse', behind: 2, recordedBefore: 0 },
    ]);
  });
});
