import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { parseCloudEventBatch } from '../services/common/events/cloud-event.js';
import { generateWebhookSecret, verifyWebhook } from '../services/common/events/webhook-signature.js';
import { serve, type Served } from '../test/support/serve.js';
import { createTestDatabase, type TestDatabase } from '../test/support/test-database.js';
import { batchesFor, deliverDirectly, readOutboxAsCloudEvents } from './direct-delivery.js';
import { seedOutbox } from './seed-outbox.js';

let database: TestDatabase;
let receiver: Served;
const secret = generateWebhookSecret();
const received: { ids: string[]; types: string[]; size: number }[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  // A real HTTP receiver that checks what a subscriber checks: the signature over the exact bytes,
  // and that the body is a batch of valid CloudEvents.
  const app = express();
  app.post('/events', express.raw({ type: '*/*' }), (req, res) => {
    const body = req.body as Buffer;
    if (!verifyWebhook(secret, body, req.headers).ok) return void res.status(401).end();
    const batch = parseCloudEventBatch(JSON.parse(body.toString('utf8')));
    if (!batch.ok) return void res.status(400).end();
    received.push({
      ids: batch.events.map((event) => event.id),
      types: batch.events.map((event) => event.type),
      size: batch.events.length,
    });
    res.status(204).end();
  });
  receiver = await serve(app);
});

afterAll(async () => {
  await receiver.close();
  await database.destroy();
});

describe("the relay drain's baseline sender", () => {
  it('sends a subscriber its event types only, in stream order, signed, in batches of the size asked', async () => {
    // Given a seeded outbox
    await seedOutbox(database.db, 250);
    const events = await readOutboxAsCloudEvents(database.db);
    expect(events).toHaveLength(250);
    const types = ['OrderPlaced', 'OrderCancelled'];

    // When it is delivered straight to one receiver taking two types, 20 at a time
    const [delivery] = await deliverDirectly(
      events,
      [{ name: 'billing', eventsUrl: `${receiver.baseUrl}/events`, secret, eventTypes: types }],
      20,
    );

    // Then the receiver verified and got every wanted event once, in order, and nothing else
    const wanted = events.filter((event) => types.includes(event.type)).map((event) => event.id);
    expect(received.flatMap((batch) => batch.ids)).toEqual(wanted);
    expect(received.every((batch) => batch.size <= 20)).toBe(true);
    expect(new Set(received.flatMap((batch) => batch.types))).toEqual(new Set(types));
    expect(delivery).toMatchObject({
      name: 'billing',
      events: wanted.length,
      batches: Math.ceil(wanted.length / 20),
    });
    expect(delivery!.seconds).toBeGreaterThan(0);
  });

  it('fails loudly when a subscriber refuses a batch', async () => {
    const events = await readOutboxAsCloudEvents(database.db);
    const target = {
      name: 'email',
      eventsUrl: `${receiver.baseUrl}/events`,
      secret: generateWebhookSecret(),
    };
    await expect(deliverDirectly(events, [{ ...target, eventTypes: ['OrderPlaced'] }], 10)).rejects.toThrow(
      /email answered 401/,
    );
  });

  it('cuts batches from the wanted types only', () => {
    const event = (type: string, id: string) => ({ type, id }) as Parameters<typeof batchesFor>[0][number];
    const batches = batchesFor(
      [event('A', '1'), event('B', '2'), event('A', '3'), event('A', '4')],
      ['A'],
      2,
    );
    expect(batches.map((batch) => batch.map((e) => e.id))).toEqual([['1', '3'], ['4']]);
  });
});
