import { describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { waitFor } from '../../test/support/wait-for.js';
import { discardDeadLetters } from './dead-letters/discard-dead-letters.js';
import { listDeadLetters } from './dead-letters/list-dead-letters.js';
import { notifyRelay } from './wake/notify-relay.js';

const bed = useRelayTestBed();
const open = () => listDeadLetters(bed.database.db, { includeHeld: true });

describe('a discarded dead letter', () => {
  it('is never delivered, and the held followers of its order are delivered next, in order', async () => {
    const events = orderEvents(2, 3);
    const order = events[0]!.orderId;
    const [v1, v2, v3] = events.filter((event) => event.orderId === order);
    const target = await bed.receiver();
    target.reply = (batch) =>
      batch.some((event) => event.id === v1!.eventId) ? { status: 422 } : { status: 200 };
    await subscribe(bed.database.db, 'billing', target);
    await insertOutboxEvents(bed.database.db, events);
    bed.startRelay();
    await waitFor('v1 parked, v2 and v3 held', async () => (await open()).length === 3);
    expect(target.processedIds().has(v2!.eventId)).toBe(false);

    const result = await discardDeadLetters(bed.database.db, { eventId: v1!.eventId }, 'ops@test');
    expect(result).toMatchObject({
      ok: true,
      released: [{ eventId: v2!.eventId }, { eventId: v3!.eventId }],
    });
    await notifyRelay(bed.database.db);

    await waitFor('every other event delivered', () => target.processed.length === events.length - 1);
    await waitFor('nothing open', async () => (await open()).length === 0);
    expect(target.processedIds().has(v1!.eventId)).toBe(false);
    expect(target.processed.filter((event) => event.subject === order).map((event) => event.id)).toEqual([
      v2!.eventId,
      v3!.eventId,
    ]);
    expect(target.outOfOrder()).toEqual([]);
  });
});
