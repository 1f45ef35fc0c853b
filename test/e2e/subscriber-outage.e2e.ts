import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SUBSCRIBERS } from '../../services/common/events/default-subscribers.js';
import { InboxAudit } from './support/inbox-audit.js';
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
let audit: InboxAudit;

beforeAll(async () => {
  system = await startSystem({ name: 'subscriber-outage', env: FAST_RETRIES });
  await prepareCatalog(system);
  audit = new InboxAudit(system.databaseUrl, system.subscriberDatabaseUrls);
}, 180_000);

afterAll(async () => {
  await audit?.close();
  await system?.stop();
});

describe('a subscriber down for a while', () => {
  it(
    `keeps the others current while inventory is down ${E2E.outageMs / 1000} s, then inventory catches up`,
    async () => {
      const inventory = DEFAULT_SUBSCRIBERS.find((subscriber) => subscriber.name === 'inventory')!;
      const others = DEFAULT_SUBSCRIBERS.filter((subscriber) => subscriber !== inventory);

      // Given inventory killed
      const down = system.service('inventory');
      const killedAt = Date.now();
      await down.kill('SIGKILL');

      // When orders keep coming
      const client = new OrderClient(system.service('order-api').url);
      const orders = await withSystemLog(
        system,
        runOrders(client, { orders: E2E.orders, cancelEvery: 5, concurrency: 8 }),
      );

      // Then the other subscribers get everything while inventory is still down: one slow subscriber
      // never holds the others back
      const othersFigures = await audit.waitForConvergence(E2E.timeoutMs, others);
      const othersCurrentAfterMs = Date.now() - killedAt;
      expect(down.isRunning()).toBe(false);
      expect(othersFigures.map((figure) => [figure.subscriber, figure.missing])).toEqual(
        others.map((subscriber) => [subscriber.name, 0]),
      );
      const [behind] = await audit.figures([inventory]);
      expect(behind!.missing).toBe(behind!.expected);
      expect(behind!.missing).toBeGreaterThan(0);

      // And once restarted after the outage, inventory catches up on all it missed
      const rest = E2E.outageMs - (Date.now() - killedAt);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      const downForMs = Date.now() - killedAt;
      await down.restart();
      const report = await converge(system, orders, `inventory down ${(downForMs / 1000).toFixed(1)} s`, {
        'inventory events missed while down': behind!.missing,
        'others current after (s)': (othersCurrentAfterMs / 1000).toFixed(1),
      });
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
    },
    30 * 60_000,
  );
});
