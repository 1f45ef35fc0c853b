import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents } from '../../../test/support/outbox-events.js';
import { subscribe, UNREACHABLE_ENDPOINT } from '../../../test/support/relay-harness.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { ORDER_EVENT_TYPES } from '../../common/events/order-events.js';
import { createLogger } from '../../common/logger.js';
import { deadLetterRow } from '../dead-letters/dead-letter-row.js';
import { discardDeadLetters } from '../dead-letters/discard-dead-letters.js';
import { STREAM_START } from '../streams/checkpoint.js';
import { readStreamBatch, type StreamEvent } from '../streams/read-stream-batch.js';
import { loadRelayConfig } from '../config.js';
import { startMaintenanceJobs } from './maintenance-jobs.js';
import { purgeDeadLetters } from './purge-dead-letters.js';

const DAY = 86_400_000;
const STREAM = { subscription: 'billing', partition: 0 };
const now = new Date();
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.destroy();
});

beforeEach(async () => {
  await database.db.deleteFrom('subscriptions').execute();
  await database.db.deleteFrom('outbox').execute();
  await subscribe(database.db, 'billing', UNREACHABLE_ENDPOINT);
});

/** Writes letters as the relay would have, at the times given (days ago), held when `held`. */
async function letter(event: StreamEvent, parkedDaysAgo: number, held = false): Promise<void> {
  const at = daysAgo(parkedDaysAgo);
  await database.db
    .insertInto('dead_letters')
    .values(
      deadLetterRow(
        STREAM,
        event,
        { error: 'HTTP 500', statusCode: 500, attempts: held ? 0 : 8, firstAttemptAt: at, lastAttemptAt: at },
        held,
      ),
    )
    .execute();
}

async function openLetters(): Promise<string[]> {
  const rows = await database.db
    .selectFrom('dead_letters')
    .select('event_id')
    .where('replayed_at', 'is', null)
    .orderBy('position')
    .execute();
  return rows.map((row) => row.event_id);
}

/** Five orders' events (A: 3, B: 2, C, D, E: 1 each) in stream order, by order. */
async function events(): Promise<StreamEvent[][]> {
  await insertOutboxEvents(database.db, orderEvents(1, 3));
  await insertOutboxEvents(database.db, orderEvents(1, 2));
  await insertOutboxEvents(database.db, orderEvents(3, 1));
  const { events: all } = await readStreamBatch(database.db, STREAM_START, ORDER_EVENT_TYPES, 20);
  const byOrder = new Map<string, StreamEvent[]>();
  for (const event of all) byOrder.set(event.aggregateId, [...(byOrder.get(event.aggregateId) ?? []), event]);
  return [...byOrder.values()];
}

describe('the dead-letter retention', () => {
  it("expires an order's open letters together once its newest is older, and purges old history", async () => {
    const [a, b, c, d, e] = await events();
    // A: parked 10 days ago, followers held 9 and 8 days ago: all older than a 7-day retention
    await letter(a![0]!, 10);
    await letter(a![1]!, 9, true);
    await letter(a![2]!, 8, true);
    // B: parked 10 days ago, but a follower held yesterday: the order stays whole
    await letter(b![0]!, 10);
    await letter(b![1]!, 1, true);
    // C: parked 10 days ago with its replay requested: the relay's, not the purge's
    await letter(c![0]!, 10);
    await database.db
      .updateTable('dead_letters')
      .set({ replay_requested_at: now })
      .where('event_id', '=', c![0]!.eventId)
      .execute();
    // D: replayed 8 days ago (history); E: parked 8 days ago, then discarded (audit)
    await letter(d![0]!, 9);
    await database.db
      .updateTable('dead_letters')
      .set({ replayed_at: daysAgo(8) })
      .where('event_id', '=', d![0]!.eventId)
      .execute();
    await letter(e![0]!, 9);
    await discardDeadLetters(database.db, { eventId: e![0]!.eventId }, 'ops@test');
    await database.db
      .updateTable('discarded_dead_letters')
      .set({ discarded_at: daysAgo(8) })
      .execute();

    // Nothing is old enough for a 30-day retention
    expect(await purgeDeadLetters(database.db, daysAgo(30))).toEqual({
      replayed: 0,
      discarded: 0,
      expired: 0,
    });

    expect(await purgeDeadLetters(database.db, daysAgo(7))).toEqual({
      replayed: 1,
      discarded: 1,
      expired: 3,
    });
    expect(await openLetters()).toEqual([b![0]!.eventId, b![1]!.eventId, c![0]!.eventId]);
    expect(
      await database.db
        .selectFrom('dead_letters')
        .select('event_id')
        .where('replayed_at', 'is not', null)
        .execute(),
    ).toEqual([]);
    expect(await database.db.selectFrom('discarded_dead_letters').selectAll().execute()).toEqual([]);
  });

  it('runs on the purge schedule by the relay clock when RELAY_DEAD_LETTER_RETENTION is set, and not at all when unset', async () => {
    const [a] = await events();
    await letter(a![0]!, 0);
    const config = loadRelayConfig({ RELAY_DEAD_LETTER_RETENTION: '14d' });
    expect(config.deadLetterRetentionMs).toBe(14 * DAY);
    expect(loadRelayConfig({}).deadLetterRetentionMs).toBeNull();
    const logger = createLogger('dead-letter-purge-test', 'silent');
    // The relay's clock says a month has passed: the letter parked "now" is 30 days old to it
    const clock = () => new Date(now.getTime() + 30 * DAY);
    const common = { db: database.db, logger, clock, purgeSchedule: '* * * * * *', retentionMs: 7 * DAY };

    const off = startMaintenanceJobs({ ...common, deadLetterRetentionMs: null });
    try {
      // Two runs of the outbox purge pass; the letter stays
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(await openLetters()).toEqual([a![0]!.eventId]);
    } finally {
      await off.stop();
    }

    const on = startMaintenanceJobs({ ...common, deadLetterRetentionMs: config.deadLetterRetentionMs });
    try {
      await waitFor('the scheduled dead-letter purge', async () => (await openLetters()).length === 0);
    } finally {
      await on.stop();
    }
  });
});
