import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type KyselyPlugin } from 'kysely';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { holdTransaction, type HeldTransaction } from '../../test/support/held-transactions.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { startTestRelay, subscribe, testRelayConfig } from '../../test/support/relay-harness.js';
import {
  createEmptyTestDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/test-database.js';
import { waitFor } from '../../test/support/wait-for.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { createRelayMetrics } from './relay-metrics.js';
import { startRelay, type Relay } from './relay.js';

let database: TestDatabase;
let other: { url: string; destroy(): Promise<void> };
let receiver: WebhookReceiver;
let relay: Relay | undefined;
const holders: HeldTransaction[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  other = await createEmptyTestDatabase();
  receiver = await startReceiver();
});

afterEach(async () => {
  for (const holder of holders.splice(0)) await holder.rollback();
  await relay?.stop();
  relay = undefined;
  await database.db.deleteFrom('subscriptions').execute();
  await database.db.deleteFrom('outbox').execute();
});

afterAll(async () => {
  await receiver.close();
  await database.destroy();
  await other.destroy();
});

async function hold(options: { applicationName?: string; url?: string } = {}): Promise<HeldTransaction> {
  const holder = await holdTransaction(options.url ?? database.url, options);
  holders.push(holder);
  return holder;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a stream behind a fence held for long', () => {
  it('looks again about once a poll interval once the first 100 ms are past, not every few milliseconds', async () => {
    // Given a transaction of our database left open, and an event committed after it
    await subscribe(database.db, 'held', receiver);
    const holder = await hold();
    await insertOutboxEvents(database.db, orderEvents(1, 1));
    let outboxReads = 0;
    const counting: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (JSON.stringify(node).includes('from outbox')) outboxReads++;
        return node;
      },
      transformResult: ({ result }) => Promise.resolve(result),
    };

    // When the relay has waited behind it for a while
    relay = startTestRelay(database.db.withPlugin(counting), database.url, {
      config: { pollMs: 500, listen: false },
    });
    await waitFor('the stream owned', () => relay!.ownedStreams().includes('held/0'));
    await sleep(1_500);
    const before = outboxReads;
    await sleep(2_000);

    // Then it read the outbox a few times in those 2 s (a look is a read and a check of what the
    // fence hides), where re-looking every 8 ms would be some 500 queries
    expect(outboxReads - before).toBeLessThanOrEqual(12);
    expect(receiver.processed).toEqual([]);

    // And once the holder ends, the event goes out
    await holder.commit();
    await waitFor('delivered', () => receiver.processed.length === 1);
  });
});

describe('a fence held past RELAY_FENCE_WARN_AFTER', () => {
  it('gets one warning from the relay naming the holder, and a line once it is released', async () => {
    await subscribe(database.db, 'warned', receiver);
    const holder = await hold({ applicationName: 'psql-left-open' });
    await insertOutboxEvents(database.db, orderEvents(1, 1));
    const lines: string[] = [];
    relay = startRelay({
      db: database.db,
      databaseUrl: database.url,
      config: testRelayConfig({ fenceWarnAfterMs: 300 }),
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
      maintenance: false,
    });
    const warnings = () =>
      lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.level === 40);

    await waitFor('the warning', () => warnings().length > 0, 10_000);
    const [warning] = warnings();
    expect(warning).toMatchObject({
      msg: expect.stringContaining('outbox fence held'),
      fenceTxId: holder.xid,
      holderPid: holder.pid,
      subscriptions: ['warned'],
    });
    expect(warning!.holder).toContain(`pid ${holder.pid} (application_name "psql-left-open"`);
    expect(warning!.holder).toContain('idle in transaction');

    await holder.commit();
    await waitFor('the release', () => lines.some((line) => line.includes('outbox fence released')), 10_000);
    expect(warnings()).toHaveLength(1);
  });
});

describe('relay_fence_held_seconds', () => {
  /** An event that occurred five minutes ago, committed now. */
  async function commitOldEvent() {
    await sql`
      insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
      values (gen_random_uuid(), 'Order', gen_random_uuid(), 1, 'OrderPlaced', '{}', now() - interval '300 seconds')`.execute(
      database.db,
    );
  }

  async function heldSeconds(): Promise<number> {
    const registry = new Registry();
    createRelayMetrics(registry, database.db);
    const text = await registry.metrics();
    const match = /^relay_fence_held_seconds\{subscription="gauged"\} (\S+)$/m.exec(text);
    if (!match) throw new Error(`no relay_fence_held_seconds for "gauged" in:\n${text}`);
    return Number(match[1]);
  }

  it('is the age of the first event the fence hides, and 0 when it hides none', async () => {
    await subscribe(database.db, 'gauged', receiver);
    expect(await heldSeconds()).toBe(0);

    // A transaction of another database does not hold the fence
    await hold({ url: other.url });
    await commitOldEvent();
    expect(await heldSeconds()).toBe(0);

    // One of ours does, from the first event after it
    await database.db.deleteFrom('outbox').execute();
    const holder = await hold();
    await commitOldEvent();
    const held = await heldSeconds();
    expect(held).toBeGreaterThanOrEqual(299);
    expect(held).toBeLessThan(400);

    await holder.commit();
    expect(await heldSeconds()).toBe(0);
  });
});
