import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { startTestRelay, subscribe } from '../../test/support/relay-harness.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Relay } from './relay.js';
import { listDeadLetters } from './dead-letters/list-dead-letters.js';
import { requestReplay } from './dead-letters/request-replay.js';

let database: TestDatabase;
let relay: Relay | undefined;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await relay?.stop();
  relay = undefined;
  await database.db.deleteFrom('subscriptions').execute();
  await database.db.deleteFrom('outbox').execute();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

afterAll(async () => {
  await database.destroy();
});

async function receiver(): Promise<WebhookReceiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

function streamRow(name: string) {
  return database.db
    .selectFrom('relay_streams')
    .selectAll()
    .where('subscription_name', '=', name)
    .executeTakeFirstOrThrow();
}

describe('a failing event', () => {
  it('is isolated by narrowing the batch, parked as a dead letter after max attempts, and the stream goes on', async () => {
    // Given a subscriber that refuses (500) any batch holding one poisoned event
    const target = await receiver();
    await subscribe(database.db, 'picky', target);
    const events = orderEvents(5, 2);
    const poisoned = events[3]!;
    target.reply = (batch) =>
      batch.some((event) => event.id === poisoned.eventId) ? { status: 500 } : { status: 200 };
    await insertOutboxEvents(database.db, events);

    // When the relay delivers with max 3 attempts
    relay = startTestRelay(database.db, database.url, { config: { batchSize: 50 } });

    // Then every other event is delivered, and the poisoned one is parked
    const others = events.filter((event) => event !== poisoned);
    await waitFor('every other event delivered', () => target.processed.length === others.length);
    await waitFor('the dead letter', async () => (await listDeadLetters(database.db)).length === 1);
    expect(target.processedIds()).toEqual(new Set(others.map((event) => event.eventId)));

    const [letter] = await listDeadLetters(database.db);
    expect(letter).toMatchObject({
      subscription: 'picky',
      state: 'parked',
      statusCode: 500,
      error: expect.stringMatching(/^HTTP 500/),
      event: { eventId: poisoned.eventId, aggregateId: poisoned.orderId, eventType: poisoned.type },
    });
    expect(letter!.attempts).toBeGreaterThanOrEqual(3);
    expect(letter!.firstAttemptAt.getTime()).toBeLessThanOrEqual(letter!.lastAttemptAt.getTime());

    // The narrowing ended with the poisoned event alone, tried exactly max attempts times
    const withPoison = target.batches.filter((batch) => batch.events.some((e) => e.id === poisoned.eventId));
    expect(withPoison.at(-1)!.events).toHaveLength(1);
    expect(withPoison.filter((batch) => batch.events.length === 1)).toHaveLength(3);
    expect(withPoison[0]!.events.length).toBeGreaterThan(1);

    // Order holds for every order except the one around its dead letter
    expect(target.outOfOrder().filter((orderId) => orderId !== poisoned.orderId)).toEqual([]);
    await waitFor('the stream went on to the end, with no retry state left', async () => {
      const row = await streamRow('picky');
      return row.failed_attempts === 0 && row.next_attempt_at === null;
    });

    // When the subscriber is fixed and the operator replays the dead letter
    target.reply = () => ({ status: 200 });
    expect(await requestReplay(database.db, { eventId: poisoned.eventId })).toEqual([
      { subscription: 'picky', eventId: poisoned.eventId },
    ]);
    relay.wake();

    // Then it is delivered and marked replayed
    await waitFor('the replay delivered', () => target.processedIds().has(poisoned.eventId));
    await waitFor(
      'the dead letter marked replayed',
      async () => (await listDeadLetters(database.db)).length === 0,
    );
    const [replayed] = await listDeadLetters(database.db, { includeReplayed: true });
    expect(replayed).toMatchObject({ state: 'replayed', replayedAt: expect.any(Date) });
  });

  it('honours Retry-After: the next attempt is scheduled when the endpoint asked, not before', async () => {
    // Given a clock the test moves, and a subscriber that answers 503 with Retry-After: 120 once
    let offsetMs = 0;
    const clock = { now: () => new Date(Date.now() + offsetMs) };
    const target = await receiver();
    await subscribe(database.db, 'busy', target);
    let refusals = 0;
    target.reply = () =>
      refusals++ === 0 ? { status: 503, headers: { 'retry-after': '120' } } : { status: 200 };
    const [event] = orderEvents(1, 1);
    await insertOutboxEvents(database.db, [event!]);

    // When the relay's first delivery is refused
    relay = startTestRelay(database.db, database.url, {
      clock,
      config: { retry: { baseMs: 10, capMs: 50, maxAttempts: 5, retryAfterMaxMs: 3_600_000 } },
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
    const target = await receiver();
    const healthy = await receiver();
    await subscribe(database.db, 'gone', target);
    await subscribe(database.db, 'healthy', healthy);
    target.reply = () => ({ status: 410 });
    const events = orderEvents(3, 1);
    await insertOutboxEvents(database.db, events);

    relay = startTestRelay(database.db, database.url);

    await waitFor('the subscription disabled', async () => {
      const row = await database.db
        .selectFrom('subscriptions')
        .select(['enabled'])
        .where('name', '=', 'gone')
        .executeTakeFirstOrThrow();
      return !row.enabled;
    });
    const subscription = await database.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('name', '=', 'gone')
      .executeTakeFirstOrThrow();
    expect(subscription.disabled_reason).toMatch(/410 Gone/);
    expect((await streamRow('gone')).checkpoint_position).toBe('0');
    await waitFor('the relay let go of the stream', () => !relay!.ownedStreams().includes('gone'));
    expect(target.batches).toHaveLength(1);
    expect(await listDeadLetters(database.db)).toEqual([]);
    // Other subscribers are not affected
    await waitFor('the healthy subscriber served', () => healthy.processed.length === events.length);
  });
});
