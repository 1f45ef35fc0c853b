import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SUBSCRIBERS } from '../../services/common/events/default-subscribers.js';
import { startTestNats, type TestNats } from '../support/nats-server.js';
import { waitFor } from '../support/wait-for.js';
import { InboxAudit } from './support/inbox-audit.js';
import { OrderClient } from './support/order-client.js';
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

// The relay publishes to JetStream and the four subscribers consume it, 4 partitions, every service
// on its default settings (no relay tuning, the relay's own poll): the faults below are met as they
// would be in production. The NATS server is this scenario's own, since it is restarted.
const PARTITIONS = 4;
// Orders start evenly over this long, so that each fault lands while events are flowing.
const SPREAD_MS = 24_000;

let nats: TestNats;
let system: RunningSystem;
let audit: InboxAudit;

beforeAll(async () => {
  nats = await startTestNats({ own: true });
  system = await startSystem({
    name: 'nats-faults',
    fastRelayPoll: false,
    nats: { url: nats.url, partitions: PARTITIONS },
  });
  await prepareCatalog(system);
  audit = new InboxAudit(system.databaseUrl, system.subscriberDatabaseUrls);
}, 180_000);

afterAll(async () => {
  await audit?.close();
  await system?.stop();
  await nats?.stop();
});

describe('the system over NATS JetStream', () => {
  it(
    `loses, doubles and reorders nothing when the relay, a consumer and the NATS server fail during ${E2E.orders} orders`,
    async () => {
      // Given orders flowing in, spread out so the faults meet events in flight
      const client = new OrderClient(system.service('order-api').url);
      let done = 0;
      let finished = false;
      const workload = runOrders(client, {
        orders: E2E.orders,
        cancelEvery: 5,
        concurrency: 8,
        spreadOverMs: SPREAD_MS,
        onOrderDone: (count) => {
          done = count;
        },
      }).finally(() => {
        finished = true;
      });
      // Its failure is reported below, by the await; do not let it count as unhandled meanwhile.
      workload.catch(() => {});
      // (or the workload ended early: it failed, which the await below reports)
      const reached = (share: number) =>
        waitFor(
          `${Math.round(share * 100)}% of the orders`,
          () => finished || done >= Math.ceil(E2E.orders * share),
          120_000,
        );

      // When, one after the other while orders come in: the relay is SIGKILLed mid-publish and
      // restarted; the warehouse (it takes every event type) is SIGKILLed mid-batch and restarted;
      // the JetStream server is restarted
      const warehouse = DEFAULT_SUBSCRIBERS.find((subscriber) => subscriber.name === 'warehouse')!;
      const duringOrders: string[] = [];
      const fault = async (name: string, act: () => Promise<unknown>) => {
        if (!finished) duringOrders.push(name);
        await act();
      };
      await reached(0.2);
      await fault('relay SIGKILL', async () => {
        await system.service('relay').kill('SIGKILL');
        await system.service('relay').restart();
      });
      await reached(0.45);
      let warehouseBehind = 0;
      await fault('warehouse SIGKILL', async () => {
        await system.service('warehouse').kill('SIGKILL');
        warehouseBehind = (await audit.figures([warehouse]))[0]!.missing;
        await system.service('warehouse').restart();
      });
      await reached(0.7);
      await fault('NATS restart', () => nats.restart());
      const orders = await withSystemLog(system, workload);

      // Then every subscriber has every order's events once, each order's in version order, and
      // every effect applied once
      const report = await converge(
        system,
        orders,
        `over NATS (${PARTITIONS} partitions): relay and warehouse SIGKILLed, NATS restarted`,
        {
          'faults while orders came in': `${duringOrders.length} of 3 (${duringOrders.join(', ')})`,
          'warehouse events not yet applied when killed': warehouseBehind,
        },
      );
      expect(duringOrders).toEqual(['relay SIGKILL', 'warehouse SIGKILL', 'NATS restart']);
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
    },
    30 * 60_000,
  );
});
