import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { waitFor } from '../../test/support/wait-for.js';
import { loadRelayConfig } from './config.js';
import { listDeadLetters } from './dead-letters/list-dead-letters.js';
import { createRelayMetrics } from './relay-metrics.js';
import { readStreamStatus } from './streams/read-stream-status.js';

/**
 * Failures that are not the events' fault, with the retry policy users run (the defaults). The
 * jitter draws 0 so that the backoff's waits are short and the tests quick; the counts, and what is
 * parked, are those of the defaults.
 */
const DEFAULT_RETRY = loadRelayConfig({}).retry;
const NO_JITTER = () => 0;

const bed = useRelayTestBed();

const streamRow = (name: string) =>
  bed.database.db
    .selectFrom('relay_streams')
    .selectAll()
    .where('subscription_name', '=', name)
    .executeTakeFirstOrThrow();

/** Far more failures than the default RELAY_RETRY_MAX_ATTEMPTS (8). */
const LONG_OUTAGE = DEFAULT_RETRY.maxAttempts * 3;

describe('an outage is not poison', () => {
  it('retries the same batch through 503s far beyond max attempts, parks nothing, and delivers in order', async () => {
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'deploying', target);
    let failures = 0;
    target.reply = () => (failures++ < LONG_OUTAGE ? { status: 503 } : { status: 200 });
    const events = orderEvents(6, 3);
    await insertOutboxEvents(bed.database.db, events);

    bed.startRelay({
      config: { retry: DEFAULT_RETRY },
      random: NO_JITTER,
    });

    await waitFor('every event delivered', () => target.processed.length === events.length, 30_000);
    expect(target.batches.filter((batch) => batch.status === 503)).toHaveLength(LONG_OUTAGE);
    // The whole batch each time: an outage says nothing about the events, so nothing is narrowed
    for (const batch of target.batches.filter((b) => b.status === 503))
      expect(batch.events).toHaveLength(events.length);
    expect(target.outOfOrder()).toEqual([]);
    expect(await listDeadLetters(bed.database.db, { includeHeld: true })).toEqual([]);
  });

  it('treats a refused connection (the subscriber process is down) the same way', async () => {
    const target = await bed.receiver();
    const down = await bed.receiver();
    const downUrl = down.url;
    await down.close();
    await subscribe(bed.database.db, 'restarting', target);
    await bed.database.db
      .updateTable('subscriptions')
      .set({ endpoint_url: downUrl })
      .where('name', '=', 'restarting')
      .execute();
    const events = orderEvents(3, 2);
    await insertOutboxEvents(bed.database.db, events);

    bed.startRelay({
      config: { retry: DEFAULT_RETRY },
      random: NO_JITTER,
    });
    await waitFor(
      'many refused connections',
      async () => (await streamRow('restarting')).failed_attempts >= LONG_OUTAGE,
    );
    const failing = await streamRow('restarting');
    expect(failing.last_error).toMatch(/ECONNREFUSED/);
    expect(failing.batch_limit).toBeNull();

    // The subscriber is back (here: at another address)
    await bed.database.db
      .updateTable('subscriptions')
      .set({ endpoint_url: target.url })
      .where('name', '=', 'restarting')
      .execute();
    await waitFor('every event delivered', () => target.processed.length === events.length, 30_000);
    expect(target.outOfOrder()).toEqual([]);
    expect(await listDeadLetters(bed.database.db, { includeHeld: true })).toEqual([]);
  });

  it('narrows towards an event the subscriber fails on (500), delivers what is before it, and never parks it', async () => {
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'crashing', target);
    const events = orderEvents(8, 2);
    const culprit = events[5]!;
    let fixed = false;
    target.reply = (batch) =>
      !fixed && batch.some((event) => event.id === culprit.eventId) ? { status: 500 } : { status: 200 };
    await insertOutboxEvents(bed.database.db, events);

    bed.startRelay({
      config: { retry: DEFAULT_RETRY },
      random: NO_JITTER,
    });
    await waitFor('the culprit retried alone, far beyond max attempts', async () => {
      const row = await streamRow('crashing');
      return row.batch_limit === 1 && row.failed_attempts >= LONG_OUTAGE;
    });
    expect(target.processedIds()).toEqual(new Set(events.slice(0, 5).map((event) => event.eventId)));
    expect(await listDeadLetters(bed.database.db, { includeHeld: true })).toEqual([]);

    fixed = true;
    await waitFor(
      'every event delivered once fixed',
      () => target.processed.length === events.length,
      30_000,
    );
    expect(target.outOfOrder()).toEqual([]);
  });

  it('narrows after timeouts (the batch may be too big to answer in time), and never parks', async () => {
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'slow', target);
    let slowAnswers = LONG_OUTAGE;
    target.reply = () => (slowAnswers-- > 0 ? { status: 200, delayMs: 300 } : { status: 200 });
    const events = orderEvents(4, 2);
    await insertOutboxEvents(bed.database.db, events);

    bed.startRelay({
      config: { retry: DEFAULT_RETRY, httpTimeoutMs: 100 },
      random: NO_JITTER,
    });
    await waitFor(
      'the checkpoint past every event',
      async () => {
        const [status] = await readStreamStatus(bed.database.db, new Date(), 'slow');
        return status!.backlog === 0;
      },
      30_000,
    );
    expect(target.processedIds()).toEqual(new Set(events.map((event) => event.eventId)));
    expect(await listDeadLetters(bed.database.db, { includeHeld: true })).toEqual([]);
    // Timed-out requests were narrowed: some went with fewer events than the first
    const sizes = target.batches.map((batch) => batch.events.length);
    expect(Math.min(...sizes)).toBeLessThan(sizes[0]!);
  });
});

describe('a wrong secret (401/403)', () => {
  it('shows the stream as unauthorized in status and metrics, retries slowly, never parks, and resumes once fixed', async () => {
    const target = await bed.receiver();
    await subscribe(bed.database.db, 'misconfigured', target);
    // Time passes for the stream alone: its next retry is brought forward (a jump of the relay's
    // clock would also age the signature's timestamp past what the subscriber accepts).
    const retryNow = async () => {
      await bed.database.db
        .updateTable('relay_streams')
        .set({ next_attempt_at: new Date() })
        .where('subscription_name', '=', 'misconfigured')
        .execute();
      relay.wake();
    };
    let fixed = false;
    let refusals = 0;
    target.reply = () => (fixed ? { status: 200 } : { status: refusals++ % 2 === 0 ? 401 : 403 });
    const events = orderEvents(3, 2);
    await insertOutboxEvents(bed.database.db, events);
    const registry = new Registry();
    createRelayMetrics(registry, bed.database.db);

    const relay = bed.startRelay({
      config: { retry: DEFAULT_RETRY },
      random: NO_JITTER,
    });
    for (let knock = 1; knock <= LONG_OUTAGE; knock++) {
      await waitFor(
        `refusal ${knock}`,
        async () => (await streamRow('misconfigured')).failed_attempts >= knock,
      );
      const row = await streamRow('misconfigured');
      // Slowly: at least half the backoff's cap (30 s by default) after each refusal
      expect(row.next_attempt_at!.getTime() - row.last_failed_at!.getTime()).toBeGreaterThanOrEqual(
        DEFAULT_RETRY.capMs / 2,
      );
      await retryNow();
    }
    const [status] = await readStreamStatus(bed.database.db, new Date(), 'misconfigured');
    expect(status).toMatchObject({ unauthorized: true, deadLetters: 0, backlog: events.length });
    expect(await registry.getSingleMetricAsString('relay_unauthorized')).toMatch(
      /relay_unauthorized\{subscription="misconfigured"\} 1/,
    );
    expect(await listDeadLetters(bed.database.db, { includeHeld: true })).toEqual([]);

    fixed = true;
    // A refusal still in flight may schedule its slow retry after the fix: time keeps passing
    // for the stream until the events are through.
    await waitFor('every event delivered once fixed', async () => {
      await retryNow();
      return target.processed.length === events.length;
    });
    // The receiver counts the events before it answers: the checkpoint follows the answer.
    await waitFor('the checkpoint past them', async () => {
      const [after] = await readStreamStatus(bed.database.db, new Date(), 'misconfigured');
      return after!.backlog === 0;
    });
    const [after] = await readStreamStatus(bed.database.db, new Date(), 'misconfigured');
    expect(after).toMatchObject({ unauthorized: false, backlog: 0 });
  });
});
