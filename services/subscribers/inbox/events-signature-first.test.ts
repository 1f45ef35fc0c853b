import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { request, type ClientRequest } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { readMetric } from '../../../test/support/read-metric.js';
import { serve, type Served } from '../../../test/support/serve.js';
import {
  deliver,
  generateWebhookSecret,
  newOrderId,
  orderEvents,
} from '../../../test/support/subscriber-delivery.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { testAuthConfig } from '../../../test/support/test-tokens.js';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE } from '../../common/events/cloud-event.js';
import { createLogger } from '../../common/logger.js';
import { warehouseEffects } from '../warehouse/warehouse-effects.js';
import { createSubscriberApp } from './create-subscriber-app.js';

/**
 * POST /events checks the signature over the raw bytes before anything reads them as JSON: a
 * request without valid signature headers is refused before its body is even read, a forged one
 * before it is parsed, so an unauthenticated sender cannot make a subscriber parse 4 MB.
 */
const LIMIT = 4 * 1024 * 1024;
const secret = generateWebhookSecret();
let database: TestDatabase;
let served: Served;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  served = await serve(
    createSubscriberApp({
      db: database.db,
      effects: warehouseEffects,
      webhookSecrets: [secret],
      auth: await testAuthConfig(),
      clock: () => new Date(),
      logger: createLogger('test', 'silent'),
      bodyLimit: '4mb',
      routes: () => {},
      paths: {},
    }),
  );
});

afterAll(async () => {
  await served.close();
  await database.destroy();
});

// Requests a test left half-sent: ended here so that the server can close even if a test failed.
const halfSent: ClientRequest[] = [];

afterEach(() => {
  jest.restoreAllMocks();
  for (const req of halfSent.splice(0)) req.destroy();
});

/** A body that is not JSON (an unclosed array of one long string), `bytes` long. */
const notJson = (bytes: number) => `["${'x'.repeat(bytes - 2)}`;

type Answer = { status: number; contentType: string | null; body: Record<string, unknown> };

async function post(body: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${served.baseUrl}/events`, {
    method: 'POST',
    headers: { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE, ...headers },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function signed(body: string, signingSecret = secret, sentAt = new Date()): Record<string, string> {
  const id = `msg_${newOrderId()}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(signingSecret).sign(id, sentAt, body),
  };
}

/** Calls of JSON.parse on text starting like `body`: what the route parsed of it. */
function parsesOf(body: string): () => number {
  const parse = jest.spyOn(JSON, 'parse');
  const start = body.slice(0, 64);
  return () => parse.mock.calls.filter(([text]) => String(text).startsWith(start)).length;
}

describe('POST /events checks the signature before it reads the body', () => {
  it('refuses an unsigned 4 MB body that is not JSON with 401, having parsed none of it', async () => {
    const body = notJson(LIMIT - 1024);
    const parses = parsesOf(body);
    const refused = await post(body, {});
    expect(refused).toMatchObject({
      status: 401,
      contentType: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(refused.body).toMatchObject({
      status: 401,
      title: 'Unauthorized',
      detail: expect.stringMatching(/signature/),
    });
    expect(parses()).toBe(0);
  });

  it('refuses an unsigned body over the size limit with 401, not 413', async () => {
    const refused = await post(notJson(LIMIT + 1024), {});
    expect(refused.status).toBe(401);
  });

  it('refuses a body signed with another secret (forged) with 401, having parsed none of it', async () => {
    const body = notJson(64 * 1024);
    const parses = parsesOf(body);
    const refused = await post(body, signed(body, generateWebhookSecret()));
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/No matching signature/);
    expect(parses()).toBe(0);
  });

  it.each([
    ['no signature headers', () => ({})],
    ['a timestamp ten minutes old', () => signed('[]', secret, new Date(Date.now() - 10 * 60_000))],
    ['a timestamp that is not a number', () => ({ ...signed('[]'), 'webhook-timestamp': 'soon' })],
  ])(
    'answers a request with %s 401 before its body has even been sent',
    async (_, headers) => {
      // The body is announced as 4 MB but only its first kilobyte is sent: the answer can only come
      // before the body was read.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${served.baseUrl}/events`, {
          method: 'POST',
          headers: {
            'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE,
            'content-length': String(LIMIT),
            ...headers(),
          },
        });
        halfSent.push(req);
        req.on('error', reject);
        req.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => {
            req.destroy();
            resolve({ status: response.statusCode ?? 0, body: text });
          });
        });
        req.write(notJson(1024));
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 401, title: 'Unauthorized' });
      // A bound, not a timing goal: a server that waits for the rest of the body never answers.
    },
    10_000,
  );

  it('answers a correctly signed body that is not JSON with 400, counted as malformed', async () => {
    const malformedBefore = await readMetric(served.baseUrl, 'inbox_batch_failures_total', {
      reason: 'malformed',
    });
    const body = notJson(1024);
    const parses = parsesOf(body);
    const refused = await post(body, signed(body));
    expect(refused).toMatchObject({
      status: 400,
      contentType: expect.stringMatching(/^application\/problem\+json/),
    });
    expect(refused.body.detail).toMatch(/not valid JSON/);
    // The control for the zero counts above: the spy does see the route parse a body.
    expect(parses()).toBe(1);
    expect(await readMetric(served.baseUrl, 'inbox_batch_failures_total', { reason: 'malformed' })).toBe(
      malformedBefore + 1,
    );
  });

  it('answers a correctly signed JSON body that is not a batch with 400', async () => {
    const body = JSON.stringify({ not: 'a batch' });
    const refused = await post(body, signed(body));
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/Malformed CloudEvents batch/);
  });

  it('still answers a signed body over the size limit with 413, and a signed body of another type with 415', async () => {
    const large = notJson(LIMIT + 1024);
    expect((await post(large, signed(large))).status).toBe(413);
    const text = 'hello';
    expect((await post(text, { ...signed(text), 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('applies a correctly signed batch', async () => {
    const orderId = newOrderId();
    expect(
      await deliver(served.baseUrl, secret, [orderEvents.placed(orderId, [{ sku: 'A', quantity: 1 }])]),
    ).toEqual({ status: 200, body: { processed: 1, duplicates: 0, ignored: 0 } });
  });
});
