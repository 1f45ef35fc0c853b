import { describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents, type TestEvent } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import type { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';
import { listDeadLetters } from './dead-letters/list-dead-letters.js';
import { discardDeadLetters } from './dead-letters/discard-dead-letters.js';
import { holdEvents, releaseUnblockedHeld } from './dead-letters/hold-events.js';
import { markReplayed } from './dead-letters/record-replay-outcome.js';
import { requestReplay } from './dead-letters/request-replay.js';
import type { Relay } from './relay.js';
import { STREAM_START } from './streams/checkpoint.js';
import { readStreamBatch } from './streams/read-stream-batch.js';
import { rewindStream } from './streams/rewind-stream.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { readStreamStatus } from './streams/read-stream-status.js';

const bed = useRelayTestBed();

/** A subscriber that refuses (422) the events in `refused`, alone or in a batch. */
async function refusing(refused: Set<string>): Promise<WebhookReceiver> {
  const target = await bed.receiver();
  target.reply = (batch) =>
    batch.some((event) => refused.has(event.id)) ? { status: 422 } : { status: 200 };
  await subscribe(bed.database.db, 'billing', target);
  return target;
}

const open = () => listDeadLetters(bed.database.db, { includeHeld: true });
const ids = (events: readonly TestEvent[]) => new Set(events.map((event) => event.eventId));

describe("a dead letter keeps its order's order", () => {
  it('holds events of the order that arrive after the parking, while other orders keep flowing', async () => {
    const [first, ...rest] = orderEvents(4, 3);
    const blockedOrder = first!.orderId;
    const refused = new Set([first!.eventId]);
    const target = await refusing(refused);
    await insertOutboxEvents(bed.database.db, [first!]);
    const relay = bed.startRelay();
    await waitFor('the first event parked', async () => (await open()).length === 1);

    // Later events of every order, the blocked one included, are written after the parking
    await insertOutboxEvents(bed.database.db, rest);
    relay.wake();
    const others = rest.filter((event) => event.orderId !== blockedOrder);
    const followers = rest.filter((event) => event.orderId === blockedOrder);
    await waitFor('the other orders delivered', () => target.processed.length === others.length);
    await waitFor('the followers held', async () => (await open()).length === 1 + followers.length);

    expect(target.processedIds()).toEqual(ids(others));
    const letters = await open();
    expect(letters.map((letter) => [letter.event.eventId, letter.state])).toEqual([
      [first!.eventId, 'parked'],
      ...followers.map((event) => [event.eventId, 'held']),
    ]);
    expect(letters[0]!.heldBehind).toBe(followers.length);
    // Held events were never sent
    for (const batch of target.batches)
      for (const event of batch.events) expect(followers.map((f) => f.eventId)).not.toContain(event.id);
    const [status] = await readStreamStatus(bed.database.db, new Date(), 'billing');
    expect(status).toMatchObject({ deadLetters: 1, heldEvents: followers.length, backlog: 0 });
  });

  it('replays the parked event and its followers in order; a follower refused again is parked in its turn, its own followers still held', async () => {
    const events = orderEvents(3, 3);
    const order = events[0]!.orderId;
    const [v1, v2, v3] = events.filter((event) => event.orderId === order);
    const refused = new Set([v1!.eventId]);
    const target = await refusing(refused);
    await insertOutboxEvents(bed.database.db, events);
    const relay = bed.startRelay();
    await waitFor('v1 parked, v2 and v3 held', async () => (await open()).length === 3);

    // The operator fixes the subscriber for v1 only, and replays
    refused.delete(v1!.eventId);
    refused.add(v2!.eventId);
    await requestReplay(bed.database.db, { eventId: v1!.eventId, subscription: 'billing' });
    relay.wake();
    await waitFor('v1 replayed and v2 parked', async () => {
      const letters = await open();
      return letters.length === 2 && letters[0]!.state === 'parked';
    });
    const [parked, held] = await open();
    expect(parked).toMatchObject({
      event: { eventId: v2!.eventId },
      state: 'parked',
      statusCode: 422,
      heldBehind: 1,
    });
    expect(held).toMatchObject({ event: { eventId: v3!.eventId }, state: 'held' });
    expect(target.processedIds().has(v1!.eventId)).toBe(true);
    expect(target.processedIds().has(v3!.eventId)).toBe(false);

    // Fixed for good: the next replay delivers v2 then v3
    refused.clear();
    await requestReplay(bed.database.db, { eventId: v2!.eventId });
    relay.wake();
    await waitFor('all delivered', () => target.processed.length === events.length);
    await waitFor('nothing open', async () => (await open()).length === 0);
    expect(target.outOfOrder()).toEqual([]);
  });

  it('replays every order of a subscription with --all, each order in its own order', async () => {
    const events = orderEvents(4, 2);
    const refusedOrders = new Set([events[0]!.orderId, events[2]!.orderId]);
    const refused = new Set(
      events.filter((e) => refusedOrders.has(e.orderId) && e.version === 1).map((e) => e.eventId),
    );
    const target = await refusing(refused);
    await insertOutboxEvents(bed.database.db, events);
    const relay = bed.startRelay();
    await waitFor('two parked with one held each', async () => (await open()).length === 4);

    refused.clear();
    expect(await requestReplay(bed.database.db, { subscription: 'billing', all: true })).toHaveLength(4);
    relay.wake();
    await waitFor('all delivered', () => target.processed.length === events.length);
    expect(target.outOfOrder()).toEqual([]);
    // Marked replayed once the relay has the answer, a moment after the subscriber processed them
    await waitFor('nothing open', async () => (await open()).length === 0);
  });
  it('waits out the backoff of a replay that meets an outage, however often the relay is woken', async () => {
    let relay: Relay;
    const events = orderEvents(1, 2);
    const [parked, follower] = events;
    const target = await refusing(new Set([parked!.eventId]));
    await insertOutboxEvents(bed.database.db, events);
    relay = bed.startRelay();
    await waitFor('parked with its follower held', async () => (await open()).length === 2);
    await relay.stop();

    // A relay with a long backoff, against a subscriber that is down
    relay = bed.startRelay({
      config: {
        retry: {
          baseMs: 60_000,
          capMs: 120_000,
          maxAttempts: 3,
          retryAfterMaxMs: 3_600_000,
          parkAfterMs: null,
        },
      },
      random: () => 0.5,
    });
    target.reply = () => ({ status: 503 });
    const before = target.batches.length;
    await requestReplay(bed.database.db, { eventId: parked!.eventId });
    for (let wake = 0; wake < 20; wake++) {
      relay.wake();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The order's letters together, then the parked one alone; then nothing until the backoff ends
    expect(target.batches.length - before).toBeLessThanOrEqual(2);
    const stream = await bed.database.db.selectFrom('relay_streams').selectAll().executeTakeFirstOrThrow();
    expect(stream.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect((await open()).map((letter) => letter.state)).toEqual(['replay-requested', 'replay-requested']);
    expect(follower).toBeDefined();
  });

  it('replays a follower held after the request too, even when the letters go one at a time', async () => {
    const events = orderEvents(1, 3);
    const [v1, v2, v3] = events;
    const refused = new Set([v1!.eventId]);
    const target = await refusing(refused);
    await insertOutboxEvents(bed.database.db, [v1!, v2!]);
    const relay = bed.startRelay();
    await waitFor('v1 parked, v2 held', async () => (await open()).length === 2);
    await relay.stop();

    // The operator asks for the replay; then v3 is held behind them, after the request (as a step
    // already under way would hold it)
    await requestReplay(bed.database.db, { eventId: v1!.eventId });
    await insertOutboxEvents(bed.database.db, [v3!]);
    const { events: read } = await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 10);
    await holdEvents(
      bed.database.db,
      { subscription: 'billing', partition: 0 },
      read.filter((event) => event.eventId === v3!.eventId),
      new Date(),
    );
    // A subscriber that takes one event at a time only: the letters go one by one
    refused.clear();
    target.reply = (batch) => (batch.length > 1 ? { status: 503 } : { status: 200 });
    bed.startRelay();

    await waitFor('all three delivered', () => target.processed.length === 3);
    expect(target.processed.map((event) => event.id)).toEqual([v1!.eventId, v2!.eventId, v3!.eventId]);
    await waitFor('nothing open', async () => (await open()).length === 0);
  });

  it('requests at once an event held after its parked letter was discarded, so that it is delivered rather than stuck', async () => {
    const [v1, v2] = orderEvents(1, 2);
    const target = await refusing(new Set([v1!.eventId]));
    await insertOutboxEvents(bed.database.db, [v1!]);
    const relay = bed.startRelay();
    await waitFor('v1 parked', async () => (await open()).length === 1);
    await relay.stop();

    // A step read v2 while v1 was parked (its order blocked); the discard commits before its hold
    await insertOutboxEvents(bed.database.db, [v2!]);
    const { events: read } = await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 10);
    const blocked = read.filter((event) => event.eventId === v2!.eventId);
    expect(await discardDeadLetters(bed.database.db, { eventId: v1!.eventId }, 'test')).toMatchObject({
      ok: true,
      released: [],
    });
    const key = { subscription: 'billing', partition: 0 };
    await bed.database.db.transaction().execute(async (trx) => {
      await holdEvents(trx, key, blocked, new Date());
      expect(await releaseUnblockedHeld(trx, key, blocked)).toBe(1);
    });

    // v2 is delivered by the next relay; v1 never is
    bed.startRelay();
    await waitFor('v2 delivered', () => target.processed.some((event) => event.id === v2!.eventId));
    expect(target.processed.map((event) => event.id)).not.toContain(v1!.eventId);
    await waitFor('nothing open', async () => (await open()).length === 0);
  });

  it("holds again an event replayed before and read again after a rewind, so that its order's replay carries it", async () => {
    const events = orderEvents(1, 2);
    const [v1, v2] = events;
    await refusing(new Set());
    await insertOutboxEvents(bed.database.db, events);
    const [first] = (await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 1)).events;
    await holdEvents(bed.database.db, { subscription: 'billing', partition: 0 }, [first!], new Date());
    const [letter] = await open();
    await markReplayed(bed.database.db, 'billing', first!.aggregateId, [letter!.id], new Date());
    expect(await open()).toEqual([]);

    await holdEvents(bed.database.db, { subscription: 'billing', partition: 0 }, [first!], new Date());

    expect((await open()).map((l) => [l.event.eventId, l.state])).toEqual([[v1!.eventId, 'held']]);
    expect(v2).toBeDefined();
  });

  it("after a rewind, delivers the order's earlier events before its replayed letters", async () => {
    const events = orderEvents(1, 3);
    const [v1, v2, v3] = events;
    const refused = new Set([v2!.eventId]);
    const target = await refusing(refused);
    await insertOutboxEvents(bed.database.db, events);
    const relay = bed.startRelay();
    await waitFor('v1 delivered, v2 parked, v3 held', async () => (await open()).length === 2);
    expect(target.processedIds()).toEqual(new Set([v1!.eventId]));

    // The subscriber lost its state: rewound to the start, fixed, then the order replayed
    const rewound = await rewindStream(bed.database.db, 'billing', { position: '1' });
    expect(rewound.ok).toBe(true);
    refused.clear();
    const after = target.batches.length;
    await requestReplay(bed.database.db, { eventId: v2!.eventId });
    relay.wake();

    await waitFor('v3 delivered', () => target.processedIds().has(v3!.eventId));
    const resent = target.batches.slice(after).flatMap((batch) => batch.events.map((event) => event.id));
    expect(resent.indexOf(v1!.eventId)).toBeGreaterThanOrEqual(0);
    expect(resent.indexOf(v1!.eventId)).toBeLessThan(resent.indexOf(v2!.eventId));
    expect(resent.indexOf(v2!.eventId)).toBeLessThan(resent.indexOf(v3!.eventId));
    await waitFor('nothing open', async () => (await open()).length === 0);
  });
});
