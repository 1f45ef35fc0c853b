import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { readMetric } from '../../../test/support/read-metric.js';
import { serve, type Served } from '../../../test/support/serve.js';
import {
  deliver,
  generateWebhookSecret,
  getJson,
  newOrderId,
  orderEvents,
  type Json,
} from '../../../test/support/subscriber-delivery.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { testAuthConfig } from '../../../test/support/test-tokens.js';
import { createEmailApp } from './create-email-app.js';
import { heldNotificationExpiry } from './held-notification-expiry.js';

/**
 * A notification held for an order whose OrderPlaced never comes (a dead letter discarded, say)
 * must not wait forever: past its retention it is dropped unsent, logged and counted.
 */
const DAY = 86_400_000;
const secret = generateWebhookSecret();
const registry = new Registry();
const logs: Json[] = [];
const logger = pino(
  { level: 'warn' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()));
      done();
    },
  }),
);
let now = new Date('2026-12-01T10:00:00.000Z');
const clock = () => now;
let database: TestDatabase;
let served: Served;
let expire: () => Promise<number>;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 4 });
  served = await serve(
    createEmailApp({
      db: database.db,
      webhookSecrets: [secret],
      auth: await testAuthConfig(),
      clock,
      logger,
      bodyLimit: '1mb',
      registry,
    }),
  );
  expire = heldNotificationExpiry({ db: database.db, clock, retentionMs: 3 * DAY, logger, registry });
});

afterAll(async () => {
  await served.close();
  await database.destroy();
});

type Mailbox = { emails: { kind: string }[]; held: Json[] };
const mailbox = async (orderId: string): Promise<Mailbox> =>
  (await getJson<Mailbox>(`${served.baseUrl}/emails?orderId=${orderId}`)).body;

describe('the expiry of held notifications', () => {
  it('drops a notification held longer than its retention, logging and counting it, and keeps a younger one', async () => {
    const [stale, young] = [newOrderId(), newOrderId()];
    const staleShipped = orderEvents.shipped(stale);
    now = new Date('2026-12-01T10:00:00.000Z');
    expect((await deliver(served.baseUrl, secret, [staleShipped])).status).toBe(200);
    now = new Date('2026-12-03T10:00:00.000Z');
    expect((await deliver(served.baseUrl, secret, [orderEvents.shipped(young)])).status).toBe(200);
    expect((await mailbox(stale)).held).toHaveLength(1);

    now = new Date(Date.parse('2026-12-01T10:00:00.000Z') + 3 * DAY + 60_000);
    expect(await expire()).toBe(1);

    expect(await mailbox(stale)).toEqual({ emails: [], held: [] });
    expect((await mailbox(young)).held).toHaveLength(1);
    expect(await readMetric(served.baseUrl, 'email_held_notifications_expired_total')).toBe(1);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        orderId: stale,
        eventId: staleShipped.eventId,
        kind: 'OrderShipped',
        heldAt: '2026-12-01T10:00:00.000Z',
        msg: 'held notification expired unsent',
      }),
    );
    expect(await expire()).toBe(0);
  });

  it('leaves an order whose OrderPlaced comes after the expiry with its own message only', async () => {
    const orderId = newOrderId();
    now = new Date('2026-12-10T10:00:00.000Z');
    await deliver(served.baseUrl, secret, [orderEvents.cancelled(orderId, 'late')]);
    expect((await mailbox(orderId)).held).toHaveLength(1);
    now = new Date('2026-12-14T10:00:00.000Z');
    await expire();
    expect((await mailbox(orderId)).held).toEqual([]);
    await deliver(served.baseUrl, secret, [orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }])]);
    const { emails, held } = await mailbox(orderId);
    expect(held).toEqual([]);
    expect(emails.map((email) => email.kind)).toEqual(['OrderPlaced']);
  });
});
