import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import type { AuthConfig } from '../../services/common/auth/auth-config.js';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../services/common/db/database.js';
import type { OutboxEvent } from '../../services/common/events/outbox-event.js';
import { createLogger } from '../../services/common/logger.js';
import { readMetric } from './read-metric.js';
import { serve, type Served } from './serve.js';
import {
  deliver,
  generateWebhookSecret,
  newOrderId,
  orderEvents,
  type DeliveryOptions,
} from './subscriber-delivery.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { testAuthConfig } from './test-tokens.js';
import type { Clock } from '../../services/common/clock.js';

export type SubscriberUnderTest = {
  baseUrl: string;
  secret: string;
  db: Kysely<DB>;
};

export type AppFactoryOptions = {
  db: Kysely<DB>;
  webhookSecrets: readonly string[];
  auth: AuthConfig;
  clock: Clock;
  logger: ReturnType<typeof createLogger>;
  bodyLimit: string;
};

/**
 * Serves a subscriber app over real HTTP on a fresh migrated database for one spec file; `get()`
 * returns what the tests need once beforeAll has run.
 */
export function serveSubscriber(
  createApp: (options: AppFactoryOptions) => Express,
): () => SubscriberUnderTest {
  let database: TestDatabase;
  let served: Served;
  const secret = generateWebhookSecret();
  beforeAll(async () => {
    database = await createTestDatabase({ poolMax: 12 });
    const app = createApp({
      db: database.db,
      webhookSecrets: [secret],
      auth: await testAuthConfig(),
      clock: () => new Date(),
      logger: createLogger('test-subscriber', 'silent'),
      bodyLimit: '4mb',
    });
    served = await serve(app);
  });
  afterAll(async () => {
    await served.close();
    await database.destroy();
  });
  return () => ({ baseUrl: served.baseUrl, secret, db: database.db });
}

/** Row counts of every table of a schema, inbox included: "nothing written" compares two of these. */
export async function schemaRowCounts(db: Kysely<DB>, schema: string): Promise<Record<string, number>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = ${schema} and table_name not like 'kysely_%' order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const { rows } = await sql<{ count: string }>`
      select count(*) as count from ${sql.table(`${schema}.${table_name}`)}`.execute(db);
    counts[table_name] = Number(rows[0]?.count);
  }
  return counts;
}

export type ContractOptions = {
  schema: string;
  subscriber: () => SubscriberUnderTest;
  /** A batch holding a full lifecycle of the given fresh order, and how many events of it take effect. */
  lifecycle: (orderId: string) => OutboxEvent[];
  /** Sets up what the lifecycle of that order needs (stock, prices), before it is delivered. */
  prepare?: (orderId: string) => Promise<void>;
  /** Asserts that the lifecycle's effects are there exactly once for the order. */
  expectLifecycleApplied: (orderId: string) => Promise<void>;
};

/**
 * The inbox behaviour every subscriber must show over real HTTP (each service's spec runs it):
 * redelivery and concurrent delivery take effect once; bad signatures, malformed batches and invalid
 * payloads are refused with nothing written; unknown types are acknowledged.
 */
export function itHonoursTheDeliveryContract(options: ContractOptions): void {
  const { subscriber } = options;
  const send = (events: OutboxEvent[], delivery?: DeliveryOptions) =>
    deliver(subscriber().baseUrl, subscriber().secret, events, delivery);

  describe('the delivery contract', () => {
    it('applies a signed batch that carries no bearer token: deliveries are signed, not token-authenticated', async () => {
      const orderId = newOrderId();
      await options.prepare?.(orderId);
      const delivered = await send(options.lifecycle(orderId));
      expect(delivered.status).toBe(200);
      await options.expectLifecycleApplied(orderId);
    });

    it('applies a batch delivered three times once, answering duplicates after the first', async () => {
      const orderId = newOrderId();
      await options.prepare?.(orderId);
      const batch = options.lifecycle(orderId);
      const first = await send(batch);
      expect(first.status).toBe(200);
      expect(first.body.duplicates).toBe(0);
      expect(Number(first.body.processed) + Number(first.body.ignored)).toBe(batch.length);
      for (const _ of [2, 3]) {
        expect(await send(batch)).toEqual({
          status: 200,
          body: { processed: 0, duplicates: batch.length, ignored: 0 },
        });
      }
      await options.expectLifecycleApplied(orderId);
    });

    it('applies a batch delivered ten times concurrently once', async () => {
      const orderId = newOrderId();
      await options.prepare?.(orderId);
      const batch = options.lifecycle(orderId);
      const deliveries = await Promise.all(Array.from({ length: 10 }, () => send(batch)));
      expect(deliveries.map((delivery) => delivery.status)).toEqual(Array(10).fill(200));
      const total = (key: string) => deliveries.reduce((sum, { body }) => sum + Number(body[key]), 0);
      expect(total('processed') + total('ignored')).toBe(batch.length);
      expect(total('duplicates')).toBe(9 * batch.length);
      await options.expectLifecycleApplied(orderId);
    });

    it.each([
      ['signed with another secret (forged)', { signWith: generateWebhookSecret() }],
      [
        'changed after signing (tampered)',
        { tamper: (body: string) => body.replace('customer-1', 'mallory') },
      ],
      ['signed ten minutes ago (stale)', { sentAt: new Date(Date.now() - 10 * 60_000) }],
      ['signed five minutes ahead (from the future)', { sentAt: new Date(Date.now() + 6 * 60_000) }],
      ['not signed at all', { unsigned: true }],
    ] satisfies [string, DeliveryOptions][])(
      'refuses a batch %s with 401 and writes nothing',
      async (_, delivery) => {
        const before = await schemaRowCounts(subscriber().db, options.schema);
        const refused = await send(options.lifecycle(newOrderId()), delivery);
        expect(refused.status).toBe(401);
        expect(refused.body).toMatchObject({
          status: 401,
          title: 'Unauthorized',
          detail: expect.any(String),
        });
        expect(await schemaRowCounts(subscriber().db, options.schema)).toEqual(before);
      },
    );

    it.each([
      ['an object instead of an array', '{"id": "x"}'],
      ['an empty array', '[]'],
      ['an array holding a number', '[42]'],
      ['an event missing its required attributes', '[{"id": "x", "type": "OrderPlaced"}]'],
      [
        'an event whose id is not a UUID',
        JSON.stringify([
          { specversion: '1.0', id: 'not-a-uuid', source: '/x', type: 'OrderShipped', data: {} },
        ]),
      ],
      ['invalid JSON', '[{"id": '],
    ])('refuses %s with 400 and writes nothing', async (_, rawBody) => {
      const before = await schemaRowCounts(subscriber().db, options.schema);
      const refused = await send([], { rawBody });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 400, detail: expect.any(String) });
      expect(await schemaRowCounts(subscriber().db, options.schema)).toEqual(before);
    });

    it('refuses a known event with an invalid payload with 422 naming it, and writes nothing of the batch', async () => {
      const orderId = newOrderId();
      const invalid = orderEvents.invalid(newOrderId());
      const before = await schemaRowCounts(subscriber().db, options.schema);
      const refused = await send([...options.lifecycle(orderId), invalid]);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        status: 422,
        eventId: invalid.eventId,
        eventType: 'OrderPlaced',
        detail: expect.stringContaining(invalid.eventId),
        errors: expect.arrayContaining([expect.stringMatching(/customerId|items/)]),
      });
      expect(await schemaRowCounts(subscriber().db, options.schema)).toEqual(before);
    });

    it('acknowledges an event of an unknown type, records it, and treats its redelivery as a duplicate', async () => {
      const unknown = orderEvents.unknown(newOrderId());
      expect(await send([unknown])).toEqual({
        status: 200,
        body: { processed: 0, duplicates: 0, ignored: 1 },
      });
      expect(await send([unknown])).toEqual({
        status: 200,
        body: { processed: 0, duplicates: 1, ignored: 0 },
      });
      const { rows } = await sql<{ event_type: string }>`
        select event_type from ${sql.table(`${options.schema}.inbox`)} where event_id = ${unknown.eventId}`.execute(
        subscriber().db,
      );
      expect(rows).toEqual([{ event_type: 'OrderGiftWrapped' }]);
    });

    it('counts processed, duplicate and refused events on /metrics', async () => {
      const metrics = await (await fetch(`${subscriber().baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/inbox_events_processed_total\{[^}]*\} [1-9]/);
      expect(metrics).toMatch(/inbox_events_duplicate_total\{[^}]*\} [1-9]/);
      expect(metrics).toMatch(/inbox_batch_failures_total\{[^}]*reason="signature"[^}]*\} [1-9]/);
      // Each applied batch's time in its transaction, as POST /events took it
      expect(metrics).toMatch(/inbox_batch_apply_seconds_count\{[^}]*source="http"[^}]*\} [1-9]/);
    });
  });
}

export type CancelledBeforePlacedOptions = {
  schema: string;
  subscriber: () => SubscriberUnderTest;
  /** Asserts that the service shows nothing for the order (no charge, no shipment, no mail...). */
  expectNothingFor: (orderId: string) => Promise<void>;
};

/**
 * An order cancelled while Pending reaches every subscriber as a lone OrderCancelled (version 2,
 * no OrderPlaced before or after it). That is the normal life of an abandoned order, not an event
 * out of order: the service acknowledges it, writes nothing but its inbox row, and counts no
 * unseen order.
 */
export function itTreatsAnOrderCancelledBeforePlacedAsNormal(options: CancelledBeforePlacedOptions): void {
  const { subscriber } = options;

  it('acknowledges an order cancelled before it was placed, writing nothing but its inbox row and counting no unseen order', async () => {
    const orderId = newOrderId();
    const cancelled = orderEvents.cancelledBeforePlaced(orderId);
    const before = await schemaRowCounts(subscriber().db, options.schema);
    const unseenBefore = await readMetric(subscriber().baseUrl, 'inbox_unseen_order_events_total');

    expect(await deliver(subscriber().baseUrl, subscriber().secret, [cancelled])).toEqual({
      status: 200,
      body: { processed: 1, duplicates: 0, ignored: 0 },
    });

    expect(await schemaRowCounts(subscriber().db, options.schema)).toEqual({
      ...before,
      inbox: before.inbox! + 1,
    });
    expect(await readMetric(subscriber().baseUrl, 'inbox_unseen_order_events_total')).toBe(unseenBefore);
    await options.expectNothingFor(orderId);
  });
}
