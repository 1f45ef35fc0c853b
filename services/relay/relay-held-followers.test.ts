import { describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents, type TestEvent } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import type { WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';
import { listDeadLetters } from './dead-letters/list-dead-letters.js';
import { requestReplay } from './dead-letters/request-replay.js';
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
    expect(await open()).toEqual([]);
  });
});
