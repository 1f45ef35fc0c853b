import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { orderEvents, outboxRow } from '../../../test/support/outbox-events.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { generateWebhookSecret } from '../../common/events/webhook-signature.js';
import { createLogger } from '../../common/logger.js';
import { createSubscription } from '../subscriptions/create-subscription.js';
import { startMaintenanceJobs } from './maintenance-jobs.js';
import { purgeOutbox } from './purge-outbox.js';

let database: TestDatabase;
const DAY = 86_400_000;
const now = new Date();

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.destroy();
});

beforeEach(async () => {
  await database.db.deleteFrom('subscriptions').execute();
  await database.db.deleteFrom('outbox').execute();
});

/** Ten events, the first six ten days old, the last four from now; returns their positions in stream order. */
async function seed(): Promise<string[]> {
  const events = orderEvents(10, 1);
  for (const [index, event] of events.entries()) {
    await database.db
      .insertInto('outbox')
      .values({ ...outboxRow(event), occurred_at: new Date(now.getTime() - (index < 6 ? 10 * DAY : 0)) })
      .execute();
  }
  const rows = await database.db.selectFrom('outbox').select('position').orderBy('position').execute();
  return rows.map((row) => String(row.position));
}

async function addStreamAt(name: string, position: string): Promise<void> {
  await database.db.transaction().execute((trx) =>
    createSubscription(trx, {
      name,
      endpointUrl: 'http://127.0.0.1:9/events',
      eventTypes: ['OrderPlaced'],
      secret: generateWebhookSecret(),
      from: 'beginning',
    }),
  );
  await database.db
    .updateTable('relay_streams')
    .set({
      checkpoint_tx_id: sql`coalesce((select tx_id from outbox where position = ${position}::bigint), '0'::xid8)`,
      checkpoint_position: position,
    })
    .where('subscription_name', '=', name)
    .execute();
}

async function remaining(): Promise<number> {
  const row = await database.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('the outbox purge', () => {
  it('deletes only events that every stream has passed and that are older than the retention', async () => {
    // Given streams at the 4th and the 9th event; events 1-6 are ten days old
    const positions = await seed();
    await addStreamAt('slow', positions[3]!);
    await addStreamAt('fast', positions[8]!);

    // When purging with a seven-day retention
    const deleted = await purgeOutbox(database.db, new Date(now.getTime() - 7 * DAY), 2);

    // Then events 1-4 go (old and passed by both); 5-6 stay (old, but "slow" has not passed them);
    // 7-10 stay (recent, even those both streams passed)
    expect(deleted).toBe(4);
    const left = await database.db.selectFrom('outbox').select('position').orderBy('position').execute();
    expect(left.map((row) => String(row.position))).toEqual(positions.slice(4));
  });

  it('keeps everything a stream still at the beginning has not read', async () => {
    await seed();
    await addStreamAt('new', '0');
    expect(await purgeOutbox(database.db, new Date(now.getTime() - 7 * DAY))).toBe(0);
    expect(await remaining()).toBe(10);
  });

  it('runs on its node-cron schedule', async () => {
    const positions = await seed();
    await addStreamAt('done', positions[9]!);
    const jobs = startMaintenanceJobs({
      db: database.db,
      logger: createLogger('purge-test', 'silent'),
      clock: () => new Date(),
      purgeSchedule: '* * * * * *',
      retentionMs: 7 * DAY,
    });
    try {
      await waitFor('the scheduled purge', async () => (await remaining()) === 4);
    } finally {
      await jobs.stop();
    }
  });
});
