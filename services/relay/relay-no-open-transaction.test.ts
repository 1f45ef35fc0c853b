import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { startTestRelay, subscribe } from '../../test/support/relay-harness.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';
import { createDb } from '../common/db/create-db.js';
import type { DB } from '../common/db/database.js';
import type { Relay } from './relay.js';

let database: TestDatabase;
let relayDb: Kysely<DB>;
let relay: Relay;
let target: WebhookReceiver;

beforeAll(async () => {
  database = await createTestDatabase();
  // The relay's own pool, named so its connections can be picked out in pg_stat_activity.
  relayDb = createDb({ connectionString: database.url, max: 4, applicationName: 'outbox-relay-under-test' });
  target = await startReceiver();
  await subscribe(database.db, 'watcher', target);
});

afterAll(async () => {
  await relay.stop();
  await relayDb.destroy();
  await target.close();
  await database.destroy();
});

/**
 * Row and table locks live only inside a transaction, so "no relay connection is idle inside a
 * transaction" is the check for them too (pg_locks itself is read live, not from the statistics
 * snapshot pg_stat_activity gives, so joining the two would race with statements just starting).
 */
type Snapshot = { idleInTransaction: number; withSnapshot: number };

async function relayConnections(): Promise<Snapshot> {
  const { rows } = await sql<{ idle_in_transaction: string; with_snapshot: string }>`
    select
      count(*) filter (where a.state like 'idle in transaction%') as idle_in_transaction,
      count(*) filter (where a.state <> 'active' and a.backend_xmin is not null) as with_snapshot
    from pg_stat_activity a
    where a.application_name like 'outbox-relay%' and a.datname = current_database()`.execute(database.db);
  const row = rows[0]!;
  return {
    idleInTransaction: Number(row.idle_in_transaction),
    withSnapshot: Number(row.with_snapshot),
  };
}

describe('while a delivery is in flight', () => {
  it('the relay holds no transaction, snapshot or lock open (the xmin horizon is free)', async () => {
    // Given a subscriber that holds every request until the test has looked at the database
    const snapshots: Snapshot[] = [];
    let held = 0;
    target.reply = async () => {
      held++;
      for (let sample = 0; sample < 5; sample++) {
        snapshots.push(await relayConnections());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Fail the first batch so that the retry and parking paths are watched too.
      return { status: held <= 2 ? 500 : 200 };
    };
    const events = orderEvents(6, 1);
    await insertOutboxEvents(database.db, events);

    // When the relay delivers (with retries, narrowing, and a dead letter at max attempts 2)
    relay = startTestRelay(relayDb, database.url, {
      config: { retry: { baseMs: 1, capMs: 5, maxAttempts: 2, retryAfterMaxMs: 1_000, parkAfterMs: null } },
    });
    await waitFor('everything settled', async () => {
      const dead = await database.db.selectFrom('dead_letters').select('event_id').execute();
      return target.processed.length + dead.length === events.length;
    });

    // Then no sample ever saw a relay connection idle inside a transaction or holding locks
    expect(held).toBeGreaterThanOrEqual(3);
    expect(snapshots.length).toBe(held * 5);
    expect(snapshots.filter((snapshot) => snapshot.idleInTransaction > 0)).toEqual([]);
    expect(snapshots.filter((snapshot) => snapshot.withSnapshot > 0)).toEqual([]);
  });
});
