import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectMalformedPathProblem, MALFORMED_PATH_SEGMENTS } from '../../../test/support/malformed-path.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { serve, type Served } from '../../../test/support/serve.js';
import { isDatabaseReachable } from '../db/is-reachable.js';
import { createLogger } from '../logger.js';
import { createHttpApp } from './create-app.js';
import { buildServiceDocument } from './openapi/build-document.js';
import { HttpProblem } from './problem.js';

let database: TestDatabase;
let served: Served;
let databaseUp = true;
const received: unknown[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  const app = createHttpApp({
    service: 'test',
    logger: createLogger('test', 'silent'),
    bodyLimit: '1kb',
    openApi: buildServiceDocument({ title: 'Test', description: 'A test app', paths: {} }),
    isReady: async () => databaseUp && (await isDatabaseReachable(database.db)),
    routes: (app) => {
      app.post('/echo', (req, res) => {
        received.push(req.body);
        res.status(201).json(req.body);
      });
      app.get('/teapot', () => {
        throw new HttpProblem(409, 'The order is Shipped.', {
          type: '/problems/conflict',
          extensions: { status: 'x' },
        });
      });
      app.get('/things/:id', (req, res) => {
        res.json({ id: req.params.id });
      });
      app.get('/boom', () => {
        throw new Error('secret internal detail at /srv/app.ts:12');
      });
    },
  });
  served = await serve(app);
});

afterAll(async () => {
  await served.close();
  await database.destroy();
});

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  return body;
}

describe('the app factory', () => {
  it('accepts a JSON body within the limit', async () => {
    const response = await fetch(`${served.baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('answers malformed JSON with 400 problem+json and never reaches the route', async () => {
    const before = received.length;
    const response = await fetch(`${served.baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hello": ',
    });
    await expectProblem(response, 400);
    expect(received.length).toBe(before);
  });

  it('answers a body over the limit with 413', async () => {
    const response = await fetch(`${served.baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(2_000) }),
    });
    const body = await expectProblem(response, 413);
    expect(body.detail).toMatch(/limit/);
  });

  it('answers a non-JSON body with 415', async () => {
    const before = received.length;
    const response = await fetch(`${served.baseUrl}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    await expectProblem(response, 415);
    expect(received.length).toBe(before);
  });

  it('lets a POST with an empty body through without a content type', async () => {
    const response = await fetch(`${served.baseUrl}/echo`, { method: 'POST' });
    expect(response.status).toBe(201);
  });

  it('answers an unknown route with 404 naming it', async () => {
    const body = await expectProblem(await fetch(`${served.baseUrl}/nowhere`), 404);
    expect(body.detail).toContain('GET /nowhere');
    expect(body.instance).toBe('/nowhere');
  });

  it('renders an HttpProblem with its type and extensions, keeping the standard members', async () => {
    const body = await expectProblem(await fetch(`${served.baseUrl}/teapot`), 409);
    expect(body).toMatchObject({
      type: '/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'The order is Shipped.',
    });
  });

  it('answers an unexpected error with 500 and no internals in the body', async () => {
    const response = await fetch(`${served.baseUrl}/boom`);
    const body = await expectProblem(response, 500);
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(JSON.stringify(body)).not.toContain('app.ts');
  });

  it.each(MALFORMED_PATH_SEGMENTS)(
    'answers a path that is not valid percent-encoding (%s) with 400, matched by a route or not',
    async (segment) => {
      await expectMalformedPathProblem(await fetch(`${served.baseUrl}/things/${segment}`));
      await expectMalformedPathProblem(await fetch(`${served.baseUrl}/nowhere/${segment}`));
      await expectMalformedPathProblem(
        await fetch(`${served.baseUrl}/echo/${segment}`, { method: 'POST', body: '{}' }),
      );
    },
  );

  it('decodes a valid percent-encoded path as before', async () => {
    const response = await fetch(`${served.baseUrl}/things/caf%C3%A9%2F1`);
    expect(await response.json()).toEqual({ id: 'café/1' });
  });

  it('reports alive on /healthz and ready on /readyz while the database answers', async () => {
    expect((await fetch(`${served.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${served.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ database: true });
  });

  it('reports not ready with 503 when the readiness check fails', async () => {
    databaseUp = false;
    try {
      expect((await fetch(`${served.baseUrl}/readyz`)).status).toBe(503);
    } finally {
      databaseUp = true;
    }
  });

  it('counts requests by route template and status on /metrics', async () => {
    await fetch(`${served.baseUrl}/teapot`);
    const metrics = await (await fetch(`${served.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /http_requests_total\{[^}]*method="GET"[^}]*route="\/teapot"[^}]*status="409"[^}]*\} \d+/,
    );
    expect(metrics).toMatch(/http_request_duration_seconds_bucket\{/);
    expect(metrics).toMatch(/process_cpu_user_seconds_total/);
  });
});

describe('the security headers', () => {
  const expectSecurityHeaders = (response: Response) => {
    const header = (name: string) => [name, response.headers.get(name)];
    expect(header('content-security-policy')).toEqual([
      'content-security-policy',
      "default-src 'self';base-uri 'self';form-action 'self';frame-ancestors 'none';img-src 'self' data:;" +
        "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self'",
    ]);
    expect(header('x-content-type-options')).toEqual(['x-content-type-options', 'nosniff']);
    expect(header('x-frame-options')).toEqual(['x-frame-options', 'DENY']);
    expect(header('referrer-policy')).toEqual(['referrer-policy', 'no-referrer']);
    expect(header('cross-origin-opener-policy')).toEqual(['cross-origin-opener-policy', 'same-origin']);
    expect(header('cross-origin-resource-policy')).toEqual(['cross-origin-resource-policy', 'same-origin']);
    // Plain HTTP behind a TLS-terminating proxy: HSTS is the proxy's to send.
    expect(header('strict-transport-security')).toEqual(['strict-transport-security', null]);
    expect(header('x-powered-by')).toEqual(['x-powered-by', null]);
  };

  it('are on a JSON response', async () => {
    const response = await fetch(`${served.baseUrl}/things/42`);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
  });

  it('are on a problem+json response, from a route and from the 404 and malformed-path handlers', async () => {
    for (const path of ['/teapot', '/no-such-route', '/things/%ZZ']) {
      const response = await fetch(`${served.baseUrl}${path}`);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectSecurityHeaders(response);
    }
  });

  it('are on /healthz, /metrics and /openapi.json', async () => {
    for (const path of ['/healthz', '/metrics', '/openapi.json']) {
      const response = await fetch(`${served.baseUrl}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expectSecurityHeaders(response);
    }
  });

  it("refuses request headers over node's default 16 KiB with 431 before the app sees them", async () => {
    const response = await fetch(`${served.baseUrl}/healthz`, {
      headers: { 'x-padding': 'a'.repeat(17_000) },
    });
    expect(response.status).toBe(431);
    expect(
      (await fetch(`${served.baseUrl}/healthz`, { headers: { 'x-padding': 'a'.repeat(8_000) } })).status,
    ).toBe(200);
  });
});
