import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { startTestRelay, subscribe } from '../../test/support/relay-harness.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../common/events/outbox-notify.js';
import type { Relay } from './relay.js';

let database: TestDatabase;
let relay: Relay;
let target: WebhookReceiver;

beforeAll(async () => {
  database = await createTestDatabase();
  target = await startReceiver();
  await subscribe(database.db, 'woken', target);
  // A poll far longer than any wait below: only LISTEN can deliver in time.
  relay = startTestRelay(database.db, database.url, { config: { pollMs: 600_000 } });
  await waitFor('listening', () => relay.isListening() && relay.ownedStreams().length === 1);
});

afterAll(async () => {
  await relay.stop();
  await target.close();
  await database.destroy();
});

async function writeAndNotify(count: number): Promise<void> {
  await insertOutboxEvents(database.db, orderEvents(count, 1));
  await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(database.db);
}

async function listenerPids(): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity
    where application_name = 'outbox-relay-listener' and datname = current_database()`.execute(database.db);
  return rows.map((row) => row.pid);
}

describe('waking up on NOTIFY', () => {
  it('delivers at once when the writers notify', async () => {
    await writeAndNotify(2);
    await waitFor('delivered on notify', () => target.processed.length === 2);
  });

  it('keeps delivering after the LISTEN connection is killed with pg_terminate_backend', async () => {
    // Given the listening connection is terminated by the server
    const [killed] = await listenerPids();
    expect(killed).toBeDefined();
    await sql`select pg_terminate_backend(${killed!})`.execute(database.db);

    // When events are written right away (their notification may well be lost)
    await writeAndNotify(3);

    // Then the relay reconnects, re-LISTENs and re-reads: they are delivered
    await waitFor('re-listening on a new connection', async () => {
      const pids = await listenerPids();
      return pids.length === 1 && pids[0] !== killed && relay.isListening();
    });
    await waitFor('delivered after the reconnect', () => target.processed.length === 5);

    // And later notifications reach the new connection
    await writeAndNotify(1);
    await waitFor('delivered on the new LISTEN', () => target.processed.length === 6);
    expect(target.outOfOrder()).toEqual([]);
    expect(target.duplicates).toEqual([]);
  });
});

describe('with RELAY_LISTEN=false', () => {
  it('opens no LISTEN connection and still delivers by polling', async () => {
    // Given a second stream served by a relay that only polls
    const polled = await startReceiver();
    await subscribe(database.db, 'polled', polled);
    const poller = startTestRelay(database.db, database.url, {
      config: { pollMs: 50, listen: false, instanceId: 'poller' },
    });
    try {
      // When events are written without any notification
      const before = await listenerPids();
      await insertOutboxEvents(database.db, orderEvents(4, 1));

      // Then the poll delivers them, and the poller added no listener connection
      await waitFor('delivered by the poll', () => polled.processed.length > 0);
      expect(poller.isListening()).toBe(false);
      expect((await listenerPids()).length).toBe(before.length);
    } finally {
      await poller.stop();
      await polled.close();
    }
  });
});
