import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';
import { endToEndLatency, latencyClock, outboxHighWater } from './e2e-latency.js';
import { deliveryRate, inboxCounts, inboxSpans, waitForInboxes, type InboxTable } from './inbox-progress.js';
import { seedOutbox } from './seed-outbox.js';

let database: TestDatabase;
const email: InboxTable = { name: 'email', table: 'email.inbox' };
const billing: InboxTable = { name: 'billing', table: 'billing.inbox' };

/**
 * The inboxes are the subscribers' real tables (their migrations made them), written here by the
 * test with known timestamps so the measurements can be checked; in a run the subscribers write them.
 */
beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  await seedOutbox(database.db, 100);
});

afterAll(async () => {
  await database.destroy();
});

/** Marks outbox events in (after, upTo] processed by `inbox`, `delayMs(i)` after they occurred. */
async function process(
  inbox: InboxTable,
  range: { after: number; upTo: number },
  delayMs: (i: number) => number,
) {
  const delays = Array.from({ length: range.upTo - range.after }, (_, i) => delayMs(i));
  // In SQL, so the delays are exact at PostgreSQL's microsecond precision.
  await sql`
    insert into ${sql.table(inbox.table)} (event_id, event_type, processed_at)
    select event_id, event_type, occurred_at + make_interval(secs => (${delays}::float8[])[position - ${range.after}] / 1000)
      from outbox where position > ${range.after} and position <= ${range.upTo}`.execute(database.db);
}

describe('what the benchmark reads from the inboxes', () => {
  it('waits for every inbox to hold its count, and gives up naming who is behind', async () => {
    await process(email, { after: 0, upTo: 10 }, () => 5);
    expect(await inboxCounts(database.db, [email, billing])).toEqual({ email: 10, billing: 0 });
    expect(
      await waitForInboxes(database.db, [email], { email: 10 }, { timeoutMs: 1_000 }),
    ).toBeGreaterThanOrEqual(0);
    await expect(
      waitForInboxes(
        database.db,
        [email, billing],
        { email: 10, billing: 1 },
        { timeoutMs: 100, pollMs: 20 },
      ),
    ).rejects.toThrow(/billing 0\/1/);
  });

  it("counts only once each stream's last event is in, when told which that is", async () => {
    const tenth = await database.db
      .selectFrom('outbox')
      .select('event_id')
      .where('position', '=', '10')
      .executeTakeFirstOrThrow();
    const eleventh = await database.db
      .selectFrom('outbox')
      .select('event_id')
      .where('position', '=', '11')
      .executeTakeFirstOrThrow();
    const wait = (last: string, timeoutMs: number) =>
      waitForInboxes(
        database.db,
        [email],
        { email: 10 },
        { timeoutMs, pollMs: 20, lastEventIds: { email: last } },
      );
    expect(await wait(tenth.event_id, 1_000)).toBeGreaterThanOrEqual(0);
    // An event not yet in means not drained, whatever the count says
    await expect(wait(eleventh.event_id, 100)).rejects.toThrow(
      /email 10\/10; a stream's last event has not arrived/,
    );
  });

  it('measures outbox-to-inbox latency over a range of positions, per inbox and over all', async () => {
    // Given events 11..60 processed by email 1..50 ms after they occurred, and by billing 100 ms after
    await process(email, { after: 10, upTo: 60 }, (i) => i + 1);
    await process(billing, { after: 10, upTo: 60 }, () => 100);

    // When latency is read from occurred_at to processed_at for that range
    const range = { after: '10', upTo: '60' };
    const one = await endToEndLatency(database.db, [email], range, 'occurred_at-to-processed_at');
    const both = await endToEndLatency(database.db, [email, billing], range, 'occurred_at-to-processed_at');

    // Then the percentiles are those of the known delays
    expect(one.count).toBe(50);
    expect(one.p50).toBeCloseTo(25, 3);
    expect(one.p99).toBeCloseTo(50, 3);
    expect(one.max).toBeCloseTo(50, 3);
    expect(both.count).toBe(100);
    expect(both.max).toBeCloseTo(100, 3);
    expect(Number(await outboxHighWater(database.db))).toBe(100);
  });

  it('reads commit timestamps when the server tracks them', async () => {
    const clock = await latencyClock(database.db);
    const latency = await endToEndLatency(database.db, [email], { after: '10', upTo: '60' }, clock);
    expect(latency.count).toBe(50);
    // Both ends were committed by this test, the inbox rows after the outbox rows.
    if (clock === 'commit-timestamps') expect(latency.p50).toBeGreaterThan(0);
  });

  it('turns the inboxes first and last processed_at into events per second', async () => {
    const spans = await inboxSpans(database.db, [email, billing]);
    const rate = deliveryRate(spans);
    expect(rate.perSubscriber.email!.events).toBe(60);
    expect(rate.total.events).toBe(110);
    expect(rate.total.seconds).toBeGreaterThan(0);
    expect(rate.total.eventsPerSecond).toBeCloseTo(110 / rate.total.seconds, 6);
  });
});
