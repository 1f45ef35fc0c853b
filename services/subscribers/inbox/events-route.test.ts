import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { serve, type Served } from '../../../test/support/serve.js';
import {
  deliver,
  deliverRaw,
  generateWebhookSecret,
  newOrderId,
  orderEvents,
} from '../../../test/support/subscriber-delivery.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { testAuthConfig } from '../../../test/support/test-tokens.js';
import { createLogger } from '../../common/logger.js';
import { openShipments } from '../warehouse/open-shipments.js';
import { createSubscriberApp } from './create-subscriber-app.js';
import type { SubscriberEffects } from './subscriber.js';

/**
 * The inbox's failure paths, with a subscriber of the test's own making: it writes real shipments,
 * then fails when told to, the way an effect can fail half-way through a batch.
 */
let database: TestDatabase;
let served: Served;
const secret = generateWebhookSecret();
let failure: { error: () => Error; times: number } | null = null;

const effects: SubscriberEffects = {
  name: 'warehouse',
  handles: ['OrderPlaced'],
  async apply(trx, events, { now }) {
    await openShipments(
      trx,
      events.flatMap((event) => (event.type === 'OrderPlaced' ? [event] : [])),
      now,
    );
    if (failure && failure.times > 0) {
      failure.times--;
      throw failure.error();
    }
    return { unseenOrderEventIds: [] };
  },
};

const serializationFailure = () => Object.assign(new Error('could not serialize access'), { code: '40001' });

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 4 });
  served = await serve(
    createSubscriberApp({
      db: database.db,
      effects,
      webhookSecrets: [secret],
      auth: await testAuthConfig(),
      clock: () => new Date(),
      logger: createLogger('test', 'silent'),
      bodyLimit: '1mb',
      routes: () => {},
      paths: {},
    }),
  );
});

afterAll(async () => {
  await served.close();
  await database.destroy();
});

const shipments = (orderIds: string[]) =>
  database.db
    .selectFrom('warehouse.shipments')
    .select('order_id')
    .where('order_id', 'in', orderIds)
    .execute();
const inboxed = (eventIds: string[]) =>
  database.db.selectFrom('warehouse.inbox').select('event_id').where('event_id', 'in', eventIds).execute();

describe('POST /events', () => {
  it('counts a second copy of one event within a batch as a duplicate', async () => {
    const orderId = newOrderId();
    const event = orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }]);
    expect(await deliver(served.baseUrl, secret, [event, event])).toEqual({
      status: 200,
      body: { processed: 1, duplicates: 1, ignored: 0 },
    });
    expect(await shipments([orderId])).toHaveLength(1);
  });
});

describe('POST /events when an effect fails', () => {
  it('answers 500, rolls back the whole batch (inbox included), and applies it on redelivery', async () => {
    const orders = [newOrderId(), newOrderId()];
    const batch = orders.map((orderId) => orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }]));
    failure = { error: () => new Error('disk on fire'), times: 1 };

    const failed = await deliver(served.baseUrl, secret, batch);
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain('disk on fire');
    expect(await shipments(orders)).toEqual([]);
    expect(await inboxed(batch.map((event) => event.eventId))).toEqual([]);

    expect(await deliver(served.baseUrl, secret, batch)).toEqual({
      status: 200,
      body: { processed: 2, duplicates: 0, ignored: 0 },
    });
    expect(await shipments(orders)).toHaveLength(2);
  });

  it('retries a serialization failure inside the request and applies the batch once', async () => {
    const orderId = newOrderId();
    failure = { error: serializationFailure, times: 2 };
    expect(
      await deliver(served.baseUrl, secret, [orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }])]),
    ).toEqual({
      status: 200,
      body: { processed: 1, duplicates: 0, ignored: 0 },
    });
    expect(await shipments([orderId])).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the database stays busy, having written nothing', async () => {
    const orderId = newOrderId();
    const event = orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }]);
    failure = { error: serializationFailure, times: 100 };
    const busy = await deliverRaw(served.baseUrl, secret, [event]);
    failure = null;
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await shipments([orderId])).toEqual([]);
    expect(await inboxed([event.eventId])).toEqual([]);
    const metrics = await (await fetch(`${served.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/inbox_batch_failures_total\{[^}]*reason="transient"[^}]*\} 1/);
    expect(metrics).toMatch(/inbox_batch_failures_total\{[^}]*reason="effect"[^}]*\} 1/);
  });
});
