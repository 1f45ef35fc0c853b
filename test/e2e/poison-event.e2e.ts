import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DEFAULT_SUBSCRIBERS } from '../../services/common/events/default-subscribers.js';
import { InboxAudit } from './support/inbox-audit.js';
import { OrderClient } from './support/order-client.js';
import { deadLettersIn, outboxCli } from './support/outbox-cli.js';
import { IMPATIENT_RELAY } from './support/relay-tuning.js';
import {
  converge,
  E2E,
  expectEventsAsPlanned,
  expectNothingLostOrDoubled,
  prepareCatalog,
} from './support/scenario.js';
import { emailsOf } from './support/subscriber-views.js';
import { startSystem, type RunningSystem } from './support/system.js';
import { itemsFor, runOrders, type PlacedOrder } from './support/workload.js';

let system: RunningSystem;
let audit: InboxAudit;

beforeAll(async () => {
  // The email subscriber sits behind a proxy that refuses (422) any request carrying the poison
  // order, as a subscriber with a bug for that payload would, until the "fix" is deployed.
  system = await startSystem({
    name: 'poison-event',
    env: IMPATIENT_RELAY,
    faults: { email: { failureRate: 0 } },
  });
  await prepareCatalog(system);
  audit = new InboxAudit(system.databaseUrl, system.subscriberDatabaseUrls);
}, 180_000);

afterAll(async () => {
  await audit?.close();
  await system?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + E2E.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\nlog: ${system.log.path}\n${system.log.tail(40)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function emailDeadLetters(): Promise<number | undefined> {
  const status = await outboxCli(system.env, ['status', '--json']);
  if (status.code !== 0) throw new Error(`outbox status --json failed: ${status.stderr}`);
  return deadLettersIn(status.stdout, 'email');
}

async function eventIdOf(orderId: string, eventType: string): Promise<string> {
  const client = new pg.Client({ connectionString: system.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string }>(
      'select event_id from outbox where aggregate_id = $1 and event_type = $2',
      [orderId, eventType],
    );
    return rows[0]!.event_id;
  } finally {
    await client.end();
  }
}

describe('a poison event', () => {
  it(
    'ends as a dead letter, shows in outbox status, and outbox replay delivers it once accepted',
    async () => {
      const proxy = system.proxies.email!;
      const client = new OrderClient(system.service('order-api').url);
      const email = DEFAULT_SUBSCRIBERS.find((subscriber) => subscriber.name === 'email')!;

      // Given an order whose OrderPlaced the email subscriber refuses, followed by healthy orders
      const poison = await client.create('e2e-poison-customer', itemsFor(0));
      proxy.refuseWhen((body) => body.includes(poison.id));
      await client.place(poison.id);
      const poisonEventId = await eventIdOf(poison.id, 'OrderPlaced');
      const healthy = await runOrders(client, { orders: 10, cancelEvery: 5, concurrency: 4 });

      // When the relay has given up on it: a dead letter, visible to the operator
      const deadLetters = await until('a dead letter for email in outbox status', async () => {
        const count = await emailDeadLetters();
        return count !== undefined && count > 0 ? count : undefined;
      });
      expect(deadLetters).toBe(1);
      const listed = await outboxCli(system.env, ['dead-letters', '--subscription', 'email']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(poisonEventId);

      // Then the stream went on: every other event reached email, and nothing of the poison order did
      const [behind] = await until('email to have every event but the poison one', async () => {
        const figures = await audit.figures([email]);
        return figures[0]!.missing === 1 ? figures : undefined;
      });
      expect(behind!.missing).toBe(1);
      expect(await emailsOf(system.service('email').url, poison.id)).toEqual([]);
      const refused = proxy.counts.refused;
      expect(refused).toBeGreaterThan(0);

      // When the subscriber accepts it again and the operator replays it
      proxy.clearRefusals();
      const replay = await outboxCli(system.env, ['replay', poisonEventId]);
      expect(replay).toMatchObject({ code: 0 });

      // Then it is delivered once, and the dead letter is gone
      await until('the replayed email', async () => {
        const emails = await emailsOf(system.service('email').url, poison.id);
        return emails.length > 0 ? emails : undefined;
      });
      expect(await emailsOf(system.service('email').url, poison.id)).toEqual(['placed']);
      await until('no dead letter left for email', async () =>
        (await emailDeadLetters()) === 0 ? true : undefined,
      );

      // And the poison order goes on like any other: every subscriber converges on all orders
      await client.cancel(poison.id, 'changed my mind');
      const orders: PlacedOrder[] = [
        ...healthy,
        { id: poison.id, customerId: 'e2e-poison-customer', items: poison.items, fate: 'cancelled' },
      ];
      const report = await converge(system, orders, 'poison event: dead letter, then replay', {
        'refused by email': refused,
        'dead letters before replay': deadLetters,
      });
      expectEventsAsPlanned(report, orders);
      await expectNothingLostOrDoubled(system, report);
    },
    30 * 60_000,
  );
});
