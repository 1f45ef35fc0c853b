import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { sql } from 'kysely';
import { startFixture, type FixtureProcess } from '../../../test/support/fixture-process.js';
import { createTestEventStream, type TestEventStream } from '../../../test/support/nats-events.js';
import { startTestNats, type TestNats } from '../../../test/support/nats-server.js';
import { readMetric } from '../../../test/support/read-metric.js';
import {
  generateWebhookSecret,
  getJson,
  newOrderId,
  orderEvents,
  type Json,
} from '../../../test/support/subscriber-delivery.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { testAuthEnv } from '../../../test/support/test-tokens.js';
import { waitFor } from '../../../test/support/wait-for.js';

/**
 * The subscribers consuming from a real nats-server (JetStream) into a real PostgreSQL, each as its
 * main.ts really runs, in a child process configured by its environment.
 */
let nats: TestNats;
let database: TestDatabase;
const started: FixtureProcess[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  database = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  for (const service of started) if (service.child.exitCode === null) service.child.kill('SIGKILL');
  await database.destroy();
  await nats.stop();
});

type Service = { process: FixtureProcess; baseUrl: string };

async function startService(
  name: string,
  source: string,
  env: Record<string, string> = {},
): Promise<Service> {
  const prefix = name.toUpperCase();
  const service = startFixture(`services/subscribers/${name}/main.ts`, {
    ...(await testAuthEnv()),
    DATABASE_URL: database.url,
    LOG_LEVEL: 'info',
    [`${prefix}_WEBHOOK_SECRET`]: generateWebhookSecret(),
    [`${prefix}_PORT`]: '0',
    [`${prefix}_EVENT_SOURCE`]: source,
    SUBSCRIBER_NATS_ACK_WAIT: '1s',
    ...env,
  });
  started.push(service);
  const line = await service.waitForLine(new RegExp(`${name} subscriber listening`));
  const { port } = JSON.parse(line) as { port: number };
  return { process: service, baseUrl: `http://127.0.0.1:${port}` };
}

async function stop(service: Service): Promise<void> {
  service.process.child.kill('SIGTERM');
  expect((await service.process.exited).code).toBe(0);
}

async function consuming(service: Service): Promise<void> {
  await service.process.waitForLine(/consuming events from NATS JetStream/);
}

const consumerInfo = async (events: TestEventStream, consumer: string) =>
  (await jetstreamManager(events.nc)).consumers.info(events.stream, consumer);

const count = async (query: ReturnType<typeof sql<{ n: string }>>) =>
  Number((await query.execute(database.db)).rows[0]!.n);

describe('a subscriber with a nats:// event source', () => {
  it.each([
    ['email', (orderId: string) => `/emails?orderId=${orderId}`, (body: Json) => body.emails.length === 2],
    [
      'inventory',
      (orderId: string) => `/reservations?orderId=${orderId}`,
      (body: Json) => body.status === 'cancelled',
    ],
    ['warehouse', (orderId: string) => `/shipments/${orderId}`, (body: Json) => body.status === 'cancelled'],
    [
      'billing',
      (orderId: string) => `/charges?orderId=${orderId}`,
      (body: Json) => body.charges.length === 1 && body.charges[0].status === 'refunded',
    ],
  ])(
    '%s applies the events of its partitions once, a redelivered duplicate included, and is ready',
    async (name, path, applied) => {
      const events = await createTestEventStream(nats.url);
      const service = await startService(name, events.sourceUrl(2));
      try {
        const orderId = newOrderId();
        const placed = orderEvents.placed(orderId, [{ sku: 'N-1', quantity: 1 }]);
        const cancelled = orderEvents.cancelled(orderId);
        await events.publish(1, placed);
        // The same event again under another message id: past JetStream's duplicate window, as a
        // republish after a relay crash would be. The inbox applies it once.
        await events.publish(1, placed, { msgId: `${placed.eventId}-again` });
        await events.publish(1, orderEvents.unknown(orderId));
        await events.publish(1, cancelled);
        await waitFor(`${name} to apply the order's events`, async () => {
          const { status, body } = await getJson(`${service.baseUrl}${path(orderId)}`);
          return status === 200 && applied(body);
        });
        await waitFor(
          'the duplicate to be counted',
          async () => (await readMetric(service.baseUrl, 'inbox_events_duplicate_total')) === 1,
        );
        expect(await readMetric(service.baseUrl, 'inbox_events_processed_total')).toBe(2);
        expect(await readMetric(service.baseUrl, 'inbox_events_ignored_total')).toBe(1);
        expect(await readMetric(service.baseUrl, 'nats_partitions_owned')).toBe(2);
        expect((await fetch(`${service.baseUrl}/readyz`)).status).toBe(200);
        await waitFor('every message to be acknowledged', async () => {
          const info = await consumerInfo(events, `${name}-p1`);
          return info.num_ack_pending === 0 && info.num_pending === 0;
        });
        expect((await consumerInfo(events, `${name}-p1`)).config.filter_subject).toBe(`${events.prefix}.1.*`);
      } finally {
        await stop(service);
        await events.close();
      }
    },
  );
});

describe('several instances of one subscriber on NATS', () => {
  it('split 4 partitions between 2 instances and apply each order in version order', async () => {
    const events = await createTestEventStream(nats.url);
    const first = await startService('email', events.sourceUrl(4));
    await consuming(first);
    const second = await startService('email', events.sourceUrl(4));
    try {
      await waitFor(
        'the partitions to be split 2 and 2',
        async () =>
          (await readMetric(first.baseUrl, 'nats_partitions_owned')) === 2 &&
          (await readMetric(second.baseUrl, 'nats_partitions_owned')) === 2,
      );
      const orders = Array.from({ length: 40 }, () => newOrderId());
      for (const [index, orderId] of orders.entries()) {
        await events.publish(index % 4, orderEvents.placed(orderId, [{ sku: 'N-2', quantity: 1 }]));
      }
      for (const [index, orderId] of orders.entries())
        await events.publish(index % 4, orderEvents.shipped(orderId));
      for (const [index, orderId] of orders.entries())
        await events.publish(index % 4, orderEvents.delivered(orderId));
      await waitFor(
        'every order to have its three messages',
        async () =>
          (await count(
            sql<{
              n: string;
            }>`select count(*) as n from email.messages where order_id = any(${orders}::uuid[])`,
          )) === 120,
      );
      for (const orderId of orders) {
        const { body } = await getJson(`${first.baseUrl}/emails?orderId=${orderId}`);
        const emails = body.emails as { kind: string }[];
        expect(emails.map((email) => email.kind)).toEqual(['OrderPlaced', 'OrderShipped', 'OrderDelivered']);
        expect(body.held).toEqual([]);
      }
      const applied = [first, second].map((service) =>
        readMetric(service.baseUrl, 'inbox_events_processed_total'),
      );
      const [byFirst, bySecond] = (await Promise.all(applied)) as [number, number];
      expect(byFirst + bySecond).toBe(120);
      expect(byFirst).toBe(60);
      expect(await readMetric(first.baseUrl, 'inbox_unseen_order_events_total')).toBe(0);
      expect(await readMetric(second.baseUrl, 'inbox_unseen_order_events_total')).toBe(0);
    } finally {
      await stop(second);
      await stop(first);
      await events.close();
    }
  });

  it('lose nothing and double nothing when one is SIGKILLed mid-batch and another takes over', async () => {
    const events = await createTestEventStream(nats.url);
    const orders = Array.from({ length: 600 }, () => newOrderId());
    for (const [index, orderId] of orders.entries()) {
      await events.publish(index % 2, orderEvents.placed(orderId, [{ sku: 'N-3', quantity: 1 }]));
    }
    const victim = await startService('warehouse', events.sourceUrl(2), { SUBSCRIBER_NATS_BATCH_SIZE: '20' });
    const applied = () =>
      count(
        sql<{
          n: string;
        }>`select count(*) as n from warehouse.shipments where order_id = any(${orders}::uuid[])`,
      );
    await waitFor('the first instance to be part way through', async () => (await applied()) >= 40, 30_000);
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    expect(await applied()).toBeLessThan(orders.length);
    const successor = await startService('warehouse', events.sourceUrl(2), {
      SUBSCRIBER_NATS_BATCH_SIZE: '20',
    });
    try {
      await waitFor(
        'every order to have its shipment',
        async () => (await applied()) === orders.length,
        60_000,
      );
      // One inbox row per event and one shipment per order: nothing lost, nothing applied twice.
      expect(
        await count(
          sql<{
            n: string;
          }>`select count(distinct order_id) as n from warehouse.shipments where order_id = any(${orders}::uuid[])`,
        ),
      ).toBe(orders.length);
      await waitFor('both partitions to be fully acknowledged', async () => {
        const infos = await Promise.all([0, 1].map((p) => consumerInfo(events, `warehouse-p${p}`)));
        return infos.every((info) => info.num_ack_pending === 0 && info.num_pending === 0);
      });
    } finally {
      await stop(successor);
      await events.close();
    }
  });
});

describe('messages a subscriber can never apply, and a source that does not fit the stream', () => {
  it('terminates malformed messages and invalid payloads, counts and logs them, and goes on with the partition', async () => {
    const events = await createTestEventStream(nats.url);
    const service = await startService('billing', events.sourceUrl(1));
    try {
      const orderId = newOrderId();
      await events.publishRaw(0, 'OrderPlaced', 'not json');
      await events.publishRaw(0, 'OrderPlaced', JSON.stringify({ id: 'no-cloud-event' }));
      await events.publish(0, orderEvents.invalid(orderId));
      await events.publish(0, orderEvents.placed(orderId, [{ sku: 'N-4', quantity: 2 }]));
      await waitFor('the valid event behind them to be applied', async () => {
        const { body } = await getJson(`${service.baseUrl}/charges?orderId=${orderId}`);
        return body.charges?.length === 1;
      });
      expect(
        await readMetric(service.baseUrl, 'nats_messages_terminated_total', { reason: 'malformed' }),
      ).toBe(2);
      expect(
        await readMetric(service.baseUrl, 'nats_messages_terminated_total', { reason: 'invalid_payload' }),
      ).toBe(1);
      expect(
        service.process.lines.filter((line) =>
          line.includes('NATS message can never be applied: terminated'),
        ),
      ).toHaveLength(3);
      await waitFor('nothing left pending on the partition', async () => {
        const info = await consumerInfo(events, 'billing-p0');
        return info.num_ack_pending === 0 && info.num_pending === 0;
      });
    } finally {
      await stop(service);
      await events.close();
    }
  });

  it('refuses to start when the stream has events on partitions it would not consume, saying why', async () => {
    const events = await createTestEventStream(nats.url);
    try {
      await events.publish(3, orderEvents.placed(newOrderId(), [{ sku: 'N-5', quantity: 1 }]));
      const service = await startService('inventory', events.sourceUrl(2));
      const { code } = await service.process.exited;
      expect(code).toBe(1);
      expect(service.process.lines.join('\n')).toContain(
        'The relay subscription has more partitions than this source consumes',
      );
    } finally {
      await events.close();
    }
  });

  it('waits for a stream that does not exist yet, not ready meanwhile, and consumes once it appears', async () => {
    const events = await createTestEventStream(nats.url);
    const later = { stream: `${events.stream}_LATER`, prefix: `${events.prefix}-later` };
    const service = await startService(
      'warehouse',
      `${nats.url}/${later.prefix}?stream=${later.stream}&partitions=1`,
    );
    const jsm = await jetstreamManager(events.nc);
    try {
      await service.process.waitForLine(/does not exist yet \(the relay creates it\); waiting/);
      expect((await fetch(`${service.baseUrl}/readyz`)).status).toBe(503);
      await jsm.streams.add({ name: later.stream, subjects: [`${later.prefix}.>`] });
      await consuming(service);
      await waitFor(
        'the service to be ready',
        async () => (await fetch(`${service.baseUrl}/readyz`)).status === 200,
      );
    } finally {
      await stop(service);
      await jsm.streams.delete(later.stream);
      await events.close();
    }
  });
});
