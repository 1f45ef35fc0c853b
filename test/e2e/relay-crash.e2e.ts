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
import { seededRandom } from '../support/seeded-random.js';
import { startSystem, type RunningSystem } from './support/system.js';
import { runOrders } from './support/workload.js';

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({ name: 'relay-crash', env: FAST_RETRIES });
  await prepareCatalog(system);
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe('the relay crashing', () => {
  it(
    `loses and doubles nothing when the relay is SIGKILLed ${E2E.relayKills}+ times during ${E2E.crashOrders} orders`,
    async () => {
      // Given orders flowing in
      const client = new OrderClient(system.service('order-api').url);
      let finished = false;
      const workload = runOrders(client, { orders: E2E.crashOrders, cancelEvery: 5, concurrency: 8 }).finally(
        () => {
          finished = true;
        },
      );

      // Its failure is reported below, by the await; do not let it count as unhandled meanwhile.
      workload.catch(() => {});

      // When the relay is killed at random moments (seeded, so a failing run can be replayed) and
      // restarted, until the orders are in and it has died often enough
      const relay = system.service('relay');
      const random = seededRandom(Number(process.env.E2E_SEED || 7));
      let kills = 0;
      while (!finished || kills < E2E.relayKills) {
        await new Promise((resolve) => setTimeout(resolve, 300 + random() * 2_000));
        await relay.kill('SIGKILL');
        kills++;
        await relay.restart();
      }
      const orders = await withSystemLog(system, workload);

      // Then every subscriber has every event once, in order, with every effect applied once
      const report = await converge(
        system,
        orders,
        `relay SIGKILLed ${kills} times during ${orders.length} orders`,
        {
          'relay kills': kills,
        },
      );
      expect(kills).toBeGreaterThanOrEqual(E2E.relayKills);
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
    },
    60 * 60_000,
  );
});
