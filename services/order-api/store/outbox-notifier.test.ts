import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../common/events/outbox-notify.js';
import { createOutboxNotifier } from './outbox-notifier.js';

let database: TestDatabase;
let listener: pg.Client;
let received = 0;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  listener.on('notification', () => received++);
  await listener.query(`listen ${OUTBOX_NOTIFY_CHANNEL}`);
});

afterAll(async () => {
  await listener.end();
  await database.destroy();
});

/** Notifications arrive asynchronously: a round trip on the listener's own connection flushes them. */
async function notificationsSoFar(): Promise<number> {
  await listener.query('select 1');
  return received;
}

describe('the outbox notifier', () => {
  it('sends one NOTIFY for one commit', async () => {
    const before = await notificationsSoFar();
    const notifier = createOutboxNotifier(database.db, pino({ level: 'silent' }));
    notifier.notify();
    await notifier.drain();
    expect((await notificationsSoFar()) - before).toBe(1);
  });

  it('coalesces a burst into the one in flight plus one owed, sent after the burst', async () => {
    const before = await notificationsSoFar();
    const notifier = createOutboxNotifier(database.db, pino({ level: 'silent' }));
    for (let commit = 0; commit < 100; commit++) notifier.notify();
    await notifier.drain();
    // The first went out at once; the 99 that came while it was in flight owe exactly one more.
    expect((await notificationsSoFar()) - before).toBe(2);

    notifier.notify();
    await notifier.drain();
    expect((await notificationsSoFar()) - before).toBe(3);
  });

  it('logs a failed NOTIFY and never throws: the relay polls anyway', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const broken = await createTestDatabase({ poolMax: 1 });
    await broken.destroy();
    const notifier = createOutboxNotifier(broken.db, logger);
    expect(() => notifier.notify()).not.toThrow();
    await notifier.drain();
    expect(lines.join('')).toContain('outbox notify failed');
  });
});
