import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OrderClient } from './support/order-client.js';
import { FAST_RETRIES } from './support/relay-tuning.js';
import {
  converge,
  E2E,
  expectEventsAsPlanned,
  expectNothingLostOrDoubled,
  prepareCatalog,
  withSystemLog,
} from './support/scenario.js';
import { startSystem, type RunningSystem } from './support/system.js';
import { runOrders } from './support/workload.js';

let system: RunningSystem;

beforeAll(async () => {
  // The warehouse takes every event type, so its stream sees the most deliveries to fail.
  system = await startSystem({
    name: 'flaky-subscriber',
    env: FAST_RETRIES,
    faults: { warehouse: { failureRate: E2E.faultRate, seed: Number(process.env.E2E_SEED || 30) } },
  });
  await prepareCatalog(system);
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe('a flaky subscriber', () => {
  it(
    `converges with ${Math.round(E2E.faultRate * 100)}% of deliveries to the warehouse failing`,
    async () => {
      // Given a proxy failing a share of the relay's requests to the warehouse with 503
      const proxy = system.proxies.warehouse!;

      // When orders flow
      const client = new OrderClient(system.service('order-api').url);
      const orders = await withSystemLog(
        system,
        runOrders(client, { orders: E2E.orders, cancelEvery: 5, concurrency: 8 }),
      );

      // Then the relay's retries get everything through, once and in order
      const report = await converge(
        system,
        orders,
        `${Math.round(E2E.faultRate * 100)}% of warehouse deliveries failing`,
        {
          'warehouse requests': proxy.counts.received,
          'failed by the proxy': proxy.counts.failed,
        },
      );
      expect(proxy.counts.failed).toBeGreaterThan(0);
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
    },
    30 * 60_000,
  );
});
