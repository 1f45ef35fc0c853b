import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { expectMalformedPathProblem, MALFORMED_PATH_SEGMENTS } from '../../test/support/malformed-path.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, testRelayConfig } from '../../test/support/relay-harness.js';
import { serve, type Served } from '../../test/support/serve.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';
import { createLogger } from '../common/logger.js';
import { createRelayAdminApp } from './admin-app.js';
import { createRelayMetrics } from './relay-metrics.js';
import { startRelay, type Relay } from './relay.js';

let database: TestDatabase;
let relay: Relay;
let served: Served;
let ok: WebhookReceiver;
let broken: WebhookReceiver;

beforeAll(async () => {
  database = await createTestDatabase();
  ok = await startReceiver();
  broken = await startReceiver();
  broken.reply = () => ({ status: 422 });
  await subscribe(database.db, 'ok', ok);
  await subscribe(database.db, 'broken', broken, ['OrderPlaced']);
  await insertOutboxEvents(database.db, orderEvents(3, 1));
  const registry = new Registry();
  const logger = createLogger('relay-test', 'silent');
  relay = startRelay({
    db: database.db,
    databaseUrl: database.url,
    config: testRelayConfig({
      retry: { baseMs: 1, capMs: 2, maxAttempts: 2, retryAfterMaxMs: 1_000, parkAfterMs: null },
    }),
    logger,
    metrics: createRelayMetrics(registry, database.db),
    maintenance: false,
  });
  served = await serve(createRelayAdminApp({ relay, db: database.db, registry, logger, bodyLimit: '1kb' }));
});

afterAll(async () => {
  await served.close();
  await relay.stop();
  await ok.close();
  await broken.close();
  await database.destroy();
});

describe('the relay admin port', () => {
  it('answers /healthz and /readyz, and shows which streams this instance drives', async () => {
    expect((await fetch(`${served.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${served.baseUrl}/readyz`)).status).toBe(200);
    await waitFor('both streams owned', () => relay.ownedStreams().length === 2);
    const streams = (await (await fetch(`${served.baseUrl}/streams`)).json()) as Record<string, unknown>;
    expect(streams).toMatchObject({ instanceId: relay.instanceId, listening: expect.any(Boolean) });
  });

  it('exposes backlog, lag, deliveries by outcome, the duration histogram and dead letters on /metrics', async () => {
    await waitFor('delivered to ok', () => ok.processed.length === 3);
    await waitFor('all three parked for broken', async () => {
      const rows = await database.db.selectFrom('dead_letters').select('id').execute();
      return rows.length === 3;
    });
    const metrics = await (await fetch(`${served.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /relay_deliveries_total\{[^}]*subscription="ok"[^}]*outcome="delivered"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /relay_deliveries_total\{[^}]*subscription="broken"[^}]*outcome="failed"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /relay_deliveries_total\{[^}]*subscription="broken"[^}]*outcome="dead_lettered"[^}]*\} 3/,
    );
    expect(metrics).toMatch(/relay_events_delivered_total\{[^}]*subscription="ok"[^}]*\} 3/);
    expect(metrics).toMatch(/relay_delivery_duration_seconds_bucket\{[^}]*subscription="ok"/);
    // The three events went in delivered batches: their sizes add up to them
    expect(metrics).toMatch(/relay_batch_size_events_sum\{[^}]*subscription="ok"[^}]*\} 3/);
    expect(metrics).toMatch(/relay_leases_held(\{[^}]*\})? [1-9]/);
    expect(metrics).toMatch(/relay_dead_letters\{[^}]*subscription="broken"[^}]*\} 3/);
    expect(metrics).toMatch(/relay_backlog_events\{[^}]*subscription="ok"[^}]*\} 0/);
    expect(metrics).toMatch(/relay_lag_seconds\{[^}]*subscription="ok"[^}]*\} 0/);

    // A new event shows up as backlog for a subscription that is not reading (disabled)
    await database.db.updateTable('subscriptions').set({ enabled: false }).where('name', '=', 'ok').execute();
    // Only once the stream is let go: a step already under way could still deliver the new events.
    await waitFor('ok released', () => !relay.ownedStreams().includes('ok/0'));
    await insertOutboxEvents(database.db, orderEvents(2, 1));
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the scrape snapshot lives 1 s
    const later = await (await fetch(`${served.baseUrl}/metrics`)).text();
    expect(later).toMatch(/relay_backlog_events\{[^}]*subscription="ok"[^}]*\} 2/);
  });
});

describe('the relay admin port, given a path that is not valid percent-encoding', () => {
  it.each(MALFORMED_PATH_SEGMENTS)('answers 400 for %s', async (segment) => {
    await expectMalformedPathProblem(await fetch(`${served.baseUrl}/streams/${segment}`));
  });
});
