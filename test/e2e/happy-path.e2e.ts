import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { expectEventsMatchContract } from './support/event-contract.js';
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
  system = await startSystem({ name: 'happy-path', env: FAST_RETRIES });
  await prepareCatalog(system);
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe('the happy path', () => {
  it(
    `walks ${E2E.orders} orders through their lifecycle and every subscriber converges`,
    async () => {
      // Given a running system, when clients walk orders to Delivered (every fifth one cancelled)
      const client = new OrderClient(system.service('order-api').url);
      const orders = await withSystemLog(
        system,
        runOrders(client, { orders: E2E.orders, cancelEvery: 5, concurrency: 8 }),
      );

      // Then one email per event, stock moved right, one shipment and one charge per order, a refund
      // per cancellation, nothing lost, doubled or out of order, and every event as its schema says
      const report = await converge(system, orders, `happy path: ${E2E.orders} orders`);
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
      await expectEventsMatchContract(system, orders);
    },
    30 * 60_000,
  );
});
