import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, testRelayConfig } from '../../test/support/relay-harness.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { waitFor } from '../../test/support/wait-for.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { startRelay, type Relay } from './relay.js';

let database: TestDatabase;
let receiver: WebhookReceiver;
let relay: Relay | undefined;
const gates: { open(): void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startReceiver();
});

afterAll(async () => {
  for (const held of gates) held.open();
  await relay?.stop();
  await receiver.close();
  await database.destroy();
});

function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  gates.push({ open: () => open() });
  return { opened, open: () => open() };
}

const leaseOwner = async () =>
  (await database.db.selectFrom('relay_streams').select('lease_owner').executeTakeFirstOrThrow()).lease_owner;

describe('a stream taken over, then reclaimed by the same instance', () => {
  it('keeps the new worker and its lease when the old worker, stopped meanwhile, ends its step as lost', async () => {
    // The old worker's batch is held, then answered 410 Gone (a step that ends "lost"); the new
    // worker's batch is held until the end.
    const oldWorkersBatch = gate();
    const newWorkersBatch = gate();
    let requests = 0;
    receiver.reply = async () => {
      requests++;
      if (requests === 1) {
        await oldWorkersBatch.opened;
        return { status: 410 };
      }
      if (requests === 2) await newWorkersBatch.opened;
      return { status: 200 };
    };
    await subscribe(database.db, 'reclaimed', receiver);
    await insertOutboxEvents(database.db, orderEvents(2, 1));
    const lines: string[] = [];
    relay = startRelay({
      db: database.db,
      databaseUrl: database.url,
      config: testRelayConfig(),
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
      maintenance: false,
    });
    const instance = relay.instanceId;
    await waitFor('the first worker delivering', () => receiver.inFlight === 1);

    // Taken over by another instance: this one stops its worker (whose batch is still held)
    await database.db
      .updateTable('relay_streams')
      .set({ lease_owner: 'another-instance', lease_expires_at: new Date(Date.now() + 3_600_000) })
      .execute();
    await waitFor('the worker let go', () => relay!.ownedStreams().length === 0);
    // ...and given back: this instance claims the stream again and starts a new worker
    await database.db
      .updateTable('relay_streams')
      .set({ lease_owner: null, lease_expires_at: null })
      .execute();
    await waitFor('the new worker delivering', () => receiver.inFlight === 2);
    expect(relay.ownedStreams()).toEqual(['reclaimed/0']);

    // When the old worker's step ends as lost
    oldWorkersBatch.open();
    await waitFor('the old worker released its stream', () =>
      lines.some((line) => line.includes('stream released') && line.includes('410')),
    );

    // Then the new worker is still this instance's, and so is the lease it drives under
    expect(relay.ownedStreams()).toEqual(['reclaimed/0']);
    expect(await leaseOwner()).toBe(instance);

    // And the new worker, once its own step is done, stops on the disabled subscription and lets go
    newWorkersBatch.open();
    await waitFor('the new worker let go', () => relay!.ownedStreams().length === 0);
    await waitFor('the lease released', async () => (await leaseOwner()) === null);
  });
});
