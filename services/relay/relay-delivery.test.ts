import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { sql } from 'kysely';
import { insertOutboxEvents, orderEvents, outboxRow } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { waitFor } from '../../test/support/wait-for.js';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE } from '../common/events/cloud-event.js';
import { parseCloudEventBatch } from '../common/events/cloud-event.js';
import { readStreamBatch } from './streams/read-stream-batch.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { STREAM_START } from './streams/checkpoint.js';
import { loadStream } from './streams/load-stream.js';

const bed = useRelayTestBed();

describe('delivery', () => {
  it('delivers every event as a signed CloudEvents batch, in per-order order, and advances the checkpoint', async () => {
    // Given two subscribers, one taking every type and one only OrderPlaced
    const all = await bed.receiver();
    const placedOnly = await bed.receiver();
    await subscribe(bed.database.db, 'all', all);
    await subscribe(bed.database.db, 'placed', placedOnly, ['OrderPlaced']);
    const events = orderEvents(40, 3);
    await insertOutboxEvents(bed.database.db, events);

    // When the relay runs
    bed.startRelay({ config: { batchSize: 25 } });

    // Then every event reaches the subscriber that takes it, once, in order per order
    await waitFor('all events delivered', () => all.processed.length === events.length);
    const placed = events.filter((event) => event.type === 'OrderPlaced');
    await waitFor('placed events delivered', () => placedOnly.processed.length === placed.length);
    expect(all.processedIds()).toEqual(new Set(events.map((event) => event.eventId)));
    expect(placedOnly.processedIds()).toEqual(new Set(placed.map((event) => event.eventId)));
    expect(all.outOfOrder()).toEqual([]);
    expect(placedOnly.processed.every((event) => event.type === 'OrderPlaced')).toBe(true);
    expect(all.badSignatures + placedOnly.badSignatures).toBe(0);
    expect(all.duplicates).toEqual([]);

    // The body is a CloudEvents batch the cloudevents package accepts, with our extensions
    const batch = all.batches[0]!;
    expect(batch.headers['content-type']).toBe(CLOUDEVENTS_BATCH_CONTENT_TYPE);
    expect(batch.events.length).toBeLessThanOrEqual(25);
    expect(parseCloudEventBatch(batch.events).ok).toBe(true);
    const first = events.find((event) => event.eventId === batch.events[0]!.id)!;
    expect(batch.headers.traceparent).toBe(first.traceparent);
    expect(batch.events[0]).toMatchObject({ subject: first.orderId, type: first.type, aggregateversion: 1 });

    // And both checkpoints end at the last outbox row (the OrderPlaced-only stream skipped past the rest)
    const last = await sql<{ tx_id: string; position: string }>`
      select tx_id::text as tx_id, position from outbox order by outbox.tx_id desc, outbox.position desc limit 1`.execute(
      bed.database.db,
    );
    await waitFor('checkpoints at the end', async () => {
      const streams = await Promise.all(
        ['all', 'placed'].map((name) => loadStream(bed.database.db, { subscription: name, partition: 0 })),
      );
      return streams.every((stream) => stream?.checkpoint.position === String(last.rows[0]!.position));
    });
  });

  it('does not deliver to a disabled subscription, and delivers once it is enabled again', async () => {
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'paused', target);
    await bed.database.db.updateTable('subscriptions').set({ enabled: false }).execute();
    const events = orderEvents(3, 1);
    await insertOutboxEvents(bed.database.db, events);
    const relay = bed.startRelay();
    await waitFor('the relay has looked for streams', async () => {
      const row = await bed.database.db.selectFrom('relay_instances').select('id').executeTakeFirst();
      return row !== undefined;
    });
    expect(relay.ownedStreams()).toEqual([]);
    expect(target.batches).toEqual([]);

    await bed.database.db.updateTable('subscriptions').set({ enabled: true }).execute();
    await waitFor('delivered after enabling', () => target.processed.length === events.length);
  });
});

describe('the xid8 fence', () => {
  it('delivers both when transaction A takes the lower position and commits after B: A first, neither skipped', async () => {
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'fence', target);
    const [a, b] = orderEvents(1, 2);
    const connectionA = new pg.Client({ connectionString: bed.database.url });
    const connectionB = new pg.Client({ connectionString: bed.database.url });
    await connectionA.connect();
    await connectionB.connect();
    try {
      // No NOTIFY and a poll far away: after A commits, only the relay's own re-look at rows it
      // saw behind the fence can deliver them in time.
      const relay = bed.startRelay({ config: { pollMs: 600_000 } });
      const insert = (client: pg.Client, row: ReturnType<typeof outboxRow>) =>
        client.query(
          `insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, metadata, occurred_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning position`,
          Object.values(row),
        );

      // Given A inserts first (lower position) but stays open, and B inserts and commits
      await connectionA.query('begin');
      const positionA = (await insert(connectionA, outboxRow(a!))).rows[0].position as string;
      await connectionB.query('begin');
      const positionB = (await insert(connectionB, outboxRow(b!))).rows[0].position as string;
      await connectionB.query('commit');
      expect(BigInt(positionA)).toBeLessThan(BigInt(positionB));

      // Then the stream read does not see B while A may still commit below it
      expect((await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 10)).events).toEqual(
        [],
      );
      // ...and the relay, woken meanwhile, delivers nothing and does not move its checkpoint
      relay.wake();
      await waitFor('the relay owns the stream', () => relay.ownedStreams().includes('fence/0'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(target.processed).toEqual([]);
      expect(
        (await loadStream(bed.database.db, { subscription: 'fence', partition: 0 }))?.checkpoint,
      ).toEqual(STREAM_START);

      // When A commits
      await connectionA.query('commit');

      // Then both arrive, A's first
      await waitFor('both delivered', () => target.processed.length === 2);
      expect(target.processed.map((event) => event.id)).toEqual([a!.eventId, b!.eventId]);
      const read = (await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 10)).events;
      expect(read.map((event) => event.eventId)).toEqual([a!.eventId, b!.eventId]);
    } finally {
      await connectionA.end();
      await connectionB.end();
    }
  });
});
