import { describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { waitFor } from '../../test/support/wait-for.js';
import { listDeadLetters } from './dead-letters/list-dead-letters.js';
import { requestReplay } from './dead-letters/request-replay.js';

const bed = useRelayTestBed();

function streamRow(name: string) {
  return bed.database.db
    .selectFrom('relay_streams')
    .selectAll()
    .where('subscription_name', '=', name)
    .executeTakeFirstOrThrow();
}

describe('a refused event', () => {
  it('is isolated by narrowing, parked after max attempts with its order held behind it, and replayed with its followers in order', async () => {
    // Given a subscriber that refuses (422) any batch holding one poisoned event, the first of its order
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'picky', target);
    const events = orderEvents(5, 2);
    const poisoned = events[3]!;
    const follower = events.find((event) => event.orderId === poisoned.orderId && event.version === 2)!;
    target.reply = (batch) =>
      batch.some((event) => event.id === poisoned.eventId) ? { status: 422 } : { status: 200 };
    await insertOutboxEvents(bed.database.db, events);

    // When the relay delivers with max 3 attempts
    const relay = bed.startRelay({ config: { batchSize: 50 } });

    // Then every event of the other orders is delivered; the poisoned one is parked and its order's
    // later event is held behind it, never attempted
    const others = events.filter((event) => event.orderId !== poisoned.orderId);
    await waitFor('every other order delivered', () => target.processed.length === others.length);
    await waitFor('the stream passed the held follower', async () => {
      const row = await streamRow('picky');
      return row.failed_attempts === 0 && row.next_attempt_at === null && row.checkpoint_position !== '0';
    });
    await waitFor(
      'the follower held',
      async () => (await listDeadLetters(bed.database.db, { includeHeld: true })).length === 2,
    );
    expect(target.processedIds()).toEqual(new Set(others.map((event) => event.eventId)));
    // (it rode along in the wide batches refused before the narrowing, never in an accepted one)
    const accepted = target.batches.filter((batch) => batch.status < 300);
    expect(accepted.some((batch) => batch.events.some((e) => e.id === follower.eventId))).toBe(false);

    const [letter] = await listDeadLetters(bed.database.db);
    expect(letter).toMatchObject({
      subscription: 'picky',
      state: 'parked',
      held: false,
      heldBehind: 1,
      statusCode: 422,
      error: expect.stringMatching(/^HTTP 422/),
      event: { eventId: poisoned.eventId, aggregateId: poisoned.orderId, eventType: poisoned.type },
    });
    expect(letter!.attempts).toBeGreaterThanOrEqual(3);
    expect(letter!.firstAttemptAt.getTime()).toBeLessThanOrEqual(letter!.lastAttemptAt.getTime());
    const held = (await listDeadLetters(bed.database.db, { includeHeld: true })).find((l) => l.held);
    expect(held).toMatchObject({ state: 'held', attempts: 0, event: { eventId: follower.eventId } });

    // The narrowing ended with the poisoned event alone, tried exactly max attempts times
    const withPoison = target.batches.filter((batch) => batch.events.some((e) => e.id === poisoned.eventId));
    expect(withPoison.at(-1)!.events).toHaveLength(1);
    expect(withPoison.filter((batch) => batch.events.length === 1)).toHaveLength(3);
    expect(withPoison[0]!.events.length).toBeGreaterThan(1);

    // When the subscriber is fixed and the operator replays the parked event
    target.reply = () => ({ status: 200 });
    expect(await requestReplay(bed.database.db, { eventId: poisoned.eventId })).toEqual(
      expect.arrayContaining([
        { subscription: 'picky', eventId: poisoned.eventId, held: false },
        { subscription: 'picky', eventId: follower.eventId, held: true },
      ]),
    );
    relay.wake();

    // Then it is delivered, then its follower, and both are marked replayed
    await waitFor('the replay delivered', () => target.processedIds().has(follower.eventId));
    await waitFor(
      'the dead letters marked replayed',
      async () => (await listDeadLetters(bed.database.db, { includeHeld: true })).length === 0,
    );
    const processed = target.processed.map((event) => event.id);
    expect(processed.indexOf(poisoned.eventId)).toBeLessThan(processed.indexOf(follower.eventId));
    expect(target.outOfOrder()).toEqual([]);
    const replayed = await listDeadLetters(bed.database.db, { includeReplayed: true });
    expect(replayed.map((l) => l.state)).toEqual(['replayed', 'replayed']);
  });

  it('honours Retry-After: the next attempt is scheduled when the endpoint asked, not before', async () => {
    // Given a clock the test moves, and a subscriber that answers 503 with Retry-After: 120 once
    let offsetMs = 0;
    const clock = () => new Date(Date.now() + offsetMs);
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'busy', target);
    let refusals = 0;
    target.reply = () =>
      refusals++ === 0 ? { status: 503, headers: { 'retry-after': '120' } } : { status: 200 };
    const [event] = orderEvents(1, 1);
    await insertOutboxEvents(bed.database.db, [event!]);

    // When the relay's first delivery is refused
    const relay = bed.startRelay({
      clock,
      config: {
        retry: { baseMs: 10, capMs: 50, maxAttempts: 5, retryAfterMaxMs: 3_600_000, parkAfterMs: null },
      },
    });
    await waitFor('the refusal recorded', async () => (await streamRow('busy')).next_attempt_at !== null);

    // Then the next attempt is recorded exactly 120 s after the failure (not the 10-50 ms backoff)
    const row = await streamRow('busy');
    expect(row.next_attempt_at!.getTime() - row.last_failed_at!.getTime()).toBe(120_000);
    expect(row).toMatchObject({ last_status_code: 503, failed_attempts: 1 });
    expect(row.last_error).toMatch(/^HTTP 503/);

    // And once that time has come (on the injected clock), the event is delivered
    offsetMs = 121_000;
    relay.wake();
    await waitFor('delivered after Retry-After', () => target.processed.length === 1);
    expect(target.batches.map((batch) => batch.status)).toEqual([503, 200]);
  });

  it('disables the subscription when the endpoint answers 410 Gone, without moving the checkpoint', async () => {
    const target = await bed.receiver();
    const healthy = await bed.receiver();
    await subscribe(bed.database.db, 'gone', target);
    await subscribe(bed.database.db, 'healthy', healthy);
    target.reply = () => ({ status: 410 });
    const events = orderEvents(3, 1);
    await insertOutboxEvents(bed.database.db, events);

    const relay = bed.startRelay();

    await waitFor('the subscription disabled', async () => {
      const row = await bed.database.db
        .selectFrom('subscriptions')
        .select(['enabled'])
        .where('name', '=', 'gone')
        .executeTakeFirstOrThrow();
      return !row.enabled;
    });
    const subscription = await bed.database.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('name', '=', 'gone')
      .executeTakeFirstOrThrow();
    expect(subscription.disabled_reason).toMatch(/410 Gone/);
    expect((await streamRow('gone')).checkpoint_position).toBe('0');
    await waitFor('the relay let go of the stream', () => !relay.ownedStreams().includes('gone/0'));
    expect(target.batches).toHaveLength(1);
    expect(await listDeadLetters(bed.database.db)).toEqual([]);
    // Other subscribers are not affected
    await waitFor('the healthy subscriber served', () => healthy.processed.length === events.length);
  });
});
