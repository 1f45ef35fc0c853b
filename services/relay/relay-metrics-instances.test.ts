import { afterEach, describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { createLogger } from '../common/logger.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { readMetric } from '../../test/support/read-metric.js';
import { subscribe, UNREACHABLE_ENDPOINT, useRelayTestBed } from '../../test/support/relay-harness.js';
import { serve, type Served } from '../../test/support/serve.js';
import { waitFor } from '../../test/support/wait-for.js';
import { createRelayAdminApp } from './admin-app.js';
import { createRelayMetrics } from './relay-metrics.js';
import { collapsePartitions } from './streams/collapse-partitions.js';
import { readStreamStatus } from './streams/read-stream-status.js';
import { setSubscriptionEnabled } from './subscriptions/set-subscription-enabled.js';

const bed = useRelayTestBed();
const served: Served[] = [];
afterEach(async () => {
  await Promise.all(served.splice(0).map((server) => server.close()));
});

/** A relay in this process with its own registry, its admin port (and so /metrics) served over HTTP. */
async function relayWithMetrics(instanceId: string) {
  const registry = new Registry();
  const relay = bed.startRelay({
    config: { instanceId },
    metrics: createRelayMetrics(registry, bed.database.db),
  });
  const admin = await serve(
    createRelayAdminApp({
      relay,
      db: bed.database.db,
      registry,
      logger: createLogger('relay-test', 'silent'),
      bodyLimit: '1kb',
    }),
  );
  served.push(admin);
  return { relay, baseUrl: admin.baseUrl };
}

describe('relay metrics over two instances on one database', () => {
  it('sum to the true backlog per subscription, each stream counted by one instance only', async () => {
    const db = bed.database.db;
    // Streams that cannot deliver (their backlog stays put), one subscription in 4 partitions,
    // and a disabled one that no instance leases
    await subscribe(db, 'spread', UNREACHABLE_ENDPOINT, undefined, 'beginning', 4);
    await subscribe(db, 'single', UNREACHABLE_ENDPOINT);
    await subscribe(db, 'paused', UNREACHABLE_ENDPOINT);
    await setSubscriptionEnabled(db, 'paused', false, 'paused by the test');
    await insertOutboxEvents(db, orderEvents(30, 2));

    const a = await relayWithMetrics('relay-a');
    const b = await relayWithMetrics('relay-b');
    await waitFor(
      'the five enabled streams shared out between both instances',
      () =>
        a.relay.ownedStreams().length + b.relay.ownedStreams().length === 5 &&
        a.relay.ownedStreams().length > 0 &&
        b.relay.ownedStreams().length > 0,
    );

    const truth = new Map(
      collapsePartitions(await readStreamStatus(db, new Date())).map((s) => [s.name, s.backlog]),
    );
    expect(truth.get('spread')).toBe(60);
    expect(truth.get('paused')).toBe(60);
    const scrape = async (subscription: string) => [
      await readMetric(a.baseUrl, 'relay_backlog_events', { subscription }),
      await readMetric(b.baseUrl, 'relay_backlog_events', { subscription }),
    ];
    // (A bound, not a timing: the leases may still move while the second instance settles.)
    await waitFor('every subscription summed to its true backlog', async () => {
      for (const [subscription, backlog] of truth) {
        const [fromA, fromB] = await scrape(subscription);
        if (fromA! + fromB! !== backlog) return false;
      }
      return true;
    });
    for (const [subscription, backlog] of truth) {
      const [fromA, fromB] = await scrape(subscription);
      expect({ subscription, sum: fromA! + fromB! }).toEqual({ subscription, sum: backlog });
    }
    // The 4-partition subscription is split between the two, so each alone would be wrong
    const [spreadA, spreadB] = await scrape('spread');
    expect(spreadA).toBeGreaterThan(0);
    expect(spreadB).toBeGreaterThan(0);

    // Per instance: its leases (summing to every enabled stream) and a fresh heartbeat
    const leases = [
      await readMetric(a.baseUrl, 'relay_leases_held'),
      await readMetric(b.baseUrl, 'relay_leases_held'),
    ];
    expect(leases[0]! + leases[1]!).toBe(5);
    expect(await readMetric(a.baseUrl, 'relay_heartbeat_age_seconds')).toBeLessThan(2);
  });
});
