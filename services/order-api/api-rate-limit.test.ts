import { describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { useApiHarness, type ApiHarness } from '../../test/support/order-api-harness.js';
import { customerToken } from '../../test/support/test-tokens.js';
import { loadConfig } from './config.js';

/**
 * The per-caller limit on writes, through the real Order API app. A caller here is both a token
 * subject and a loopback address of its own (127.0.0.x: Linux answers the whole 127/8 on the
 * loopback interface), so each caller is a different one whether the limiter keys it by the
 * subject (authenticated) or by the address (AUTH_MODE=off).
 */
type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown };

function callerAt(api: ApiHarness, address: string, customerId: string) {
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
    const token = await customerToken(customerId);
    const url = new URL(path, api.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method,
          localAddress: address,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(text) }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  };
  return {
    create: () => send('POST', '/orders', { customerId, items: ['SKU-MUG'] }),
    act: (orderId: string, action: string) => send('POST', `/orders/${orderId}/${action}`),
    get: (path: string) => send('GET', path),
  };
}

const idOf = (reply: Reply) => (reply.body as { id: string }).id;

describe('the write rate limit, at 3 writes a minute', () => {
  const api = useApiHarness({ writeRateLimit: { limit: 3, windowMs: 60_000 } });

  it("answers a caller's fourth write with 429 problem+json, Retry-After and the RateLimit headers, writing nothing", async () => {
    const caller = callerAt(api, '127.0.0.11', 'customer-11');
    const first = await caller.create();
    expect(first.status).toBe(201);
    expect(first.headers['ratelimit']).toMatch(/^"writes"; r=2; t=(59|60)$/);
    expect(first.headers['ratelimit-policy']).toMatch(/^"writes"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:$/);
    const orderId = idOf(first);
    expect((await caller.create()).status).toBe(201);
    expect((await caller.act(orderId, 'place')).status).toBe(200);
    const before = await api.counts();

    const refused = await caller.act(orderId, 'cancel');

    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit']).toMatch(/^"writes"; r=0; t=\d+$/);
    expect(refused.body).toMatchObject({
      status: 429,
      title: 'Too Many Requests',
      detail: expect.stringMatching(/More than 3 writes in 60 s/),
    });
    expect((await caller.create()).status).toBe(429);
    expect(await api.counts()).toEqual(before);
    expect((await caller.get(`/orders/${orderId}`)).body).toMatchObject({ status: 'Processing', version: 2 });
  });

  it("does not count one caller's writes against another", async () => {
    const busy = callerAt(api, '127.0.0.12', 'customer-12');
    for (const _ of [1, 2, 3]) expect((await busy.create()).status).toBe(201);
    expect((await busy.create()).status).toBe(429);

    const other = callerAt(api, '127.0.0.13', 'customer-13');
    const created = await other.create();
    expect(created.status).toBe(201);
    expect(created.headers['ratelimit']).toMatch(/^"writes"; r=2; t=(59|60)$/);
  });

  it('never limits reads, nor counts them', async () => {
    const caller = callerAt(api, '127.0.0.14', 'customer-14');
    const orderId = idOf(await caller.create());
    for (let read = 0; read < 20; read++) {
      expect((await caller.get(`/orders/${orderId}`)).status).toBe(200);
    }
    expect((await caller.create()).headers['ratelimit']).toMatch(/^"writes"; r=1; t=\d+$/);
    expect((await caller.create()).status).toBe(201);
    expect((await caller.create()).status).toBe(429);
    for (const path of [
      `/orders/${orderId}`,
      `/orders/${orderId}/events`,
      '/orders?customerId=customer-14',
    ]) {
      const read = await caller.get(path);
      expect([path, read.status, read.headers['ratelimit']]).toEqual([path, 200, undefined]);
    }
  });
});

describe('the write rate limit as configured by default', () => {
  // AUTH_MODE=off only so that the defaults load without key variables; the limit is what counts.
  const defaults = loadConfig({ AUTH_MODE: 'off' }).writeRateLimit;
  const api = useApiHarness({ writeRateLimit: defaults });

  it('is 600 writes a minute, well above a burst of 50 writes from one caller', async () => {
    expect(defaults).toEqual({ limit: 600, windowMs: 60_000 });
    const caller = callerAt(api, '127.0.0.21', 'customer-21');
    const created = await Promise.all(Array.from({ length: 25 }, () => caller.create()));
    expect(created.map((reply) => reply.status)).toEqual(Array(25).fill(201));
    const placed = await Promise.all(created.map((reply) => caller.act(idOf(reply), 'place')));
    expect(placed.map((reply) => reply.status)).toEqual(Array(25).fill(200));
    expect((await caller.create()).headers['ratelimit']).toMatch(/^"writes"; r=549; t=\d+$/);
  });
});
