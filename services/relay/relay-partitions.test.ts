import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { eventPartitions, trackPartitions } from '../../test/support/event-partitions.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { waitFor } from '../../test/support/wait-for.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';

const bed = useRelayTestBed();

describe('a partitioned subscription', () => {
  it("delivers each order's events in order while batches of different partitions are in flight at once: 4 partitions", async () => {
    // Given a subscription with 4 partitions to a subscriber that takes 30 ms a batch, and 600 events
    const receiver = await bed.receiver();
    await subscribe(bed.database.db, 'wide', receiver, ORDER_EVENT_TYPES, 'beginning', 4);
    const events = orderEvents(150, 4);
    await insertOutboxEvents(bed.database.db, events);
    const partitionOf = await eventPartitions(bed.database.db, 4);
    const tracked = trackPartitions(receiver, (id) => partitionOf.get(id), 30);

    // When one relay runs
    const relay = bed.startRelay({ config: { batchSize: 20 } });

    // Then it drives the four streams, and every event arrives once, in order per order
    await waitFor('every partition owned', () => relay.ownedStreams().length === 4);
    expect(relay.ownedStreams().sort()).toEqual(['wide/0', 'wide/1', 'wide/2', 'wide/3']);
    await waitFor('every event delivered', () => receiver.processed.length === events.length, 30_000);
    expect(receiver.processedIds()).toEqual(new Set(events.map((event) => event.eventId)));
    expect(receiver.outOfOrder()).toEqual([]);
    expect(receiver.duplicates).toEqual([]);
    // Several batches at once at the receiver, but never two of one partition, never one mixing two
    expect(receiver.maxInFlight).toBeGreaterThan(1);
    expect(tracked.maxInFlightPerPartition).toBe(1);
    expect(tracked.mixedBatches).toBe(0);
    expect([...tracked.partitionsSeen].sort()).toEqual([0, 1, 2, 3]);

    // And each partition has a checkpoint of its own, all at the end
    const last = await sql<{ position: string }>`
      select position from outbox order by tx_id desc, position desc limit 1`.execute(bed.database.db);
    await waitFor('every checkpoint at the end', async () => {
      const streams = await bed.database.db
        .selectFrom('relay_streams')
        .select(['partition', 'checkpoint_position'])
        .where('subscription_name', '=', 'wide')
        .execute();
      return streams.length === 4 && streams.every((s) => s.checkpoint_position === last.rows[0]!.position);
    });
  });

  it('parks a refused event in its own partition: the others go on, and its order waits behind it', async () => {
    // Given 2 partitions and a subscriber that refuses one order's first event
    const receiver = await bed.receiver();
    await subscribe(bed.database.db, 'split', receiver, ORDER_EVENT_TYPES, 'beginning', 2);
    const events = orderEvents(20, 3);
    await insertOutboxEvents(bed.database.db, events);
    const partitionOf = await eventPartitions(bed.database.db, 2);
    const bad = events[0]!;
    trackPartitions(
      receiver,
      (id) => partitionOf.get(id),
      1,
      (batch) => ({ status: batch.some((event) => event.id === bad.eventId) ? 422 : 200 }),
    );

    // When the relay runs
    bed.startRelay({ config: { batchSize: 10 } });

    // Then every other order's events arrive; the refused one and its order's followers are dead
    // letters of its partition only
    const others = events.filter((event) => event.orderId !== bad.orderId);
    await waitFor('the other orders delivered', () =>
      others.every((event) => receiver.processedIds().has(event.eventId)),
    );
    await waitFor('the parked event and its followers recorded', async () => {
      const letters = await bed.database.db.selectFrom('dead_letters').select('event_id').execute();
      return letters.length === 3;
    });
    const letters = await bed.database.db
      .selectFrom('dead_letters')
      .select(['event_id', 'partition', 'held'])
      .orderBy('position')
      .execute();
    expect(letters).toEqual(
      events
        .filter((event) => event.orderId === bad.orderId)
        .map((event, index) => ({
          event_id: event.eventId,
          partition: partitionOf.get(bad.eventId),
          held: index > 0,
        })),
    );
  });
});
