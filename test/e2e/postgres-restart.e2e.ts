import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OrderClient } from './support/order-client.js';
import { FAST_RETRIES } from './support/relay-tuning.js';
import { startRestartablePostgres, type RestartablePostgres } from './support/restartable-postgres.js';
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

// This scenario restarts PostgreSQL, so it runs on a server of its own, never on the run's shared one.
let postgres: RestartablePostgres;
let system: RunningSystem;

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  system = await startSystem({
    name: 'postgres-restart',
    databaseUrl: postgres.databaseUrl,
    env: FAST_RETRIES,
  });
  await prepareCatalog(system);
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await postgres?.stop();
});

describe('PostgreSQL restarting', () => {
  it(
    'loses nothing when PostgreSQL restarts mid-run, and every service reconnects by itself',
    async () => {
      // Given orders flowing in, when PostgreSQL stops for 3 s a third of the way through
      const client = new OrderClient(system.service('order-api').url);
      let restart: Promise<void> | undefined;
      const orders = await withSystemLog(
        system,
        runOrders(client, {
          orders: E2E.orders,
          cancelEvery: 5,
          concurrency: 8,
          onOrderDone: (done) => {
            if (done === Math.ceil(E2E.orders / 3)) restart = postgres.restart({ downMs: 3_000 });
          },
        }),
      );
      await restart;

      // Then nothing is lost or doubled, and no service had to be restarted to get there
      const report = await converge(
        system,
        orders,
        `PostgreSQL restarted after ${Math.ceil(E2E.orders / 3)} orders`,
        {
          'PostgreSQL restarts': restart ? 1 : 0,
        },
      );
      expect(restart).toBeDefined();
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
      for (const handle of Object.values(system.services)) {
        expect({ service: handle.name, running: handle.isRunning() }).toEqual({
          service: handle.name,
          running: true,
        });
        expect((await fetch(`${handle.url}/readyz`)).status).toBe(200);
      }
    },
    30 * 60_000,
  );
});
