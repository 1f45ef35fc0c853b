import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { eventPartitions, trackPartitions } from '../../test/support/event-partitions.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe } from '../../test/support/relay-harness.js';
import { spawnRelay, type RelayProcess } from '../../test/support/relay-process.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { waitFor } from '../../test/support/wait-for.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';

let database: TestDatabase;
const processes: RelayProcess[] = [];
let receiver: WebhookReceiver | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const relay of processes.splice(0)) {
    if (relay.child.exitCode === null && relay.child.signalCode === null) relay.child.kill('SIGKILL');
    await relay.exited;
  }
  await receiver?.close();
});

afterAll(async () => {
  await database.destroy();
});

function spawn(instanceId: string): RelayProcess {
  const relay = spawnRelay(database.url, instanceId, { RELAY_BATCH_SIZE: '25' });
  processes.push(relay);
  return relay;
}

const isAlive = (relay: RelayProcess) => relay.child.exitCode === null && relay.child.signalCode === null;

/** Live lease owners of the partitions, by partition. */
async function owners(): Promise<Map<number, string>> {
  const rows = await database.db
    .selectFrom('relay_streams')
    .select(['partition', 'lease_owner'])
    .where('lease_expires_at', '>', sql<Date>`now()`)
    .execute();
  return new Map(rows.filter((row) => row.lease_owner).map((row) => [row.partition, row.lease_owner!]));
}

describe('relay processes sharing a partitioned subscription', () => {
  it('deliver 10,000 events of 2,000 orders over 8 partitions, in order per order, through SIGKILLs and restarts, spread over the live relays', async () => {
    // Given a subscription of 8 partitions and 10,000 events, 5 per order
    receiver = await startReceiver();
    await subscribe(database.db, 'wide', receiver, ORDER_EVENT_TYPES, 'beginning', 8);
    const events = orderEvents(2_000, 5);
    await insertOutboxEvents(database.db, events);
    const partitionOf = await eventPartitions(database.db, 8);
    const tracked = trackPartitions(receiver, (id) => partitionOf.get(id), 5);

    // When three relay processes run, and two of them are SIGKILLed mid-run, one after the other,
    // each restarted under a new id
    const relays = ['relay-a', 'relay-b', 'relay-c'].map(spawn);
    await waitFor('every partition owned', async () => (await owners()).size === 8, 30_000);
    for (const [round, at] of [2_500, 5_500].entries()) {
      await waitFor(`${at} events delivered`, () => receiver!.processed.length >= at, 60_000);
      const victim = relays[round]!;
      expect(receiver.processed.length).toBeLessThan(events.length);
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      receiver.phase = `after-kill-${round}`;
      relays[round] = spawn(`${victim.instanceId}-restarted`);
    }

    // Then every event arrives, each order's in order, never two batches of a partition at once
    await waitFor('every event delivered', () => receiver!.processed.length === events.length, 120_000);
    expect(receiver.processedIds()).toEqual(new Set(events.map((event) => event.eventId)));
    expect(receiver.outOfOrder()).toEqual([]);
    expect(receiver.badSignatures).toBe(0);
    expect(tracked.mixedBatches).toBe(0);
    expect(tracked.maxInFlightPerPartition).toBe(1);
    expect(receiver.maxInFlight).toBeGreaterThan(1);
    // Repeats only after a kill (batches delivered but not checkpointed), at most a batch a partition
    expect(receiver.duplicates.filter((duplicate) => duplicate.phase === 'initial')).toEqual([]);
    expect(receiver.duplicates.length).toBeLessThanOrEqual(2 * 8 * 25);

    // And the partitions are spread over the three live relays: none holds them all, each its share
    const live = relays.filter(isAlive).map((relay) => relay.instanceId);
    expect(live).toHaveLength(3);
    await waitFor(
      'the partitions spread over the live relays',
      async () => {
        const perOwner = new Map<string, number>();
        for (const owner of (await owners()).values()) perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
        return (
          [...perOwner.values()].reduce((a, b) => a + b, 0) === 8 &&
          [...perOwner.keys()].every((owner) => live.includes(owner)) &&
          Math.max(...perOwner.values()) <= Math.ceil(8 / 3)
        );
      },
      30_000,
    );
    console.info(`8 partitions, 2 SIGKILLs: ${receiver.duplicates.length} repeated deliveries`);
  });
});
