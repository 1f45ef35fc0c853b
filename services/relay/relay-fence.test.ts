import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { KyselyPlugin } from 'kysely';
import { holdTransaction, type HeldTransaction } from '../../test/support/held-transactions.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { startTestRelay, subscribe } from '../../test/support/relay-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { waitFor } from '../../test/support/wait-for.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import type { Relay } from './relay.js';

let database: TestDatabase;
let receiver: WebhookReceiver;
let relay: Relay | undefined;
const holders: HeldTransaction[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
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
});

async function hold(options: { applicationName?: string } = {}): Promise<HeldTransaction> {
  const holder = await holdTransaction(database.url, options);
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
    await waitFor('the stream owned', () => relay!.ownedStreams().includes('held'));
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
