import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { serve, type Served } from '../../support/serve.js';
import { FaultProxy } from './fault-proxy.js';

// A real tiny upstream that records what reached it.
const reached: { path: string; body: string; signature: string | undefined }[] = [];
let upstream: Served;

beforeAll(async () => {
  const app = express();
  app.use(express.text({ type: '*/*' }));
  app.post('/events', (req, res) => {
    reached.push({ path: req.path, body: req.body as string, signature: req.header('webhook-signature') });
    res.status(204).end();
  });
  upstream = await serve(app);
});

afterAll(async () => {
  await upstream.close();
});

function post(url: string, body: string): Promise<Response> {
  return fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-signature': 'v1,abc' },
    body,
  });
}

describe('the fault proxy', () => {
  it('forwards requests unchanged when it injects no fault', async () => {
    const proxy = await FaultProxy.start(upstream.baseUrl);
    try {
      reached.length = 0;
      const response = await post(proxy.url, '[{"id":"e1"}]');
      expect(response.status).toBe(204);
      expect(reached).toEqual([{ path: '/events', body: '[{"id":"e1"}]', signature: 'v1,abc' }]);
      expect(proxy.counts).toEqual({ received: 1, forwarded: 1, failed: 0, refused: 0, upstreamErrors: 0 });
    } finally {
      await proxy.close();
    }
  });

  it('fails about the configured share of requests with 503, the same pattern for the same seed', async () => {
    const run = async () => {
      const proxy = await FaultProxy.start(upstream.baseUrl, { failureRate: 0.3, seed: 42 });
      try {
        reached.length = 0;
        const statuses: number[] = [];
        for (let index = 0; index < 200; index++) statuses.push((await post(proxy.url, `[${index}]`)).status);
        return { statuses, counts: { ...proxy.counts }, reached: reached.length };
      } finally {
        await proxy.close();
      }
    };
    const first = await run();

    expect(first.counts.received).toBe(200);
    expect(first.counts.failed + first.counts.forwarded).toBe(200);
    expect(first.counts.failed).toBeGreaterThan(40);
    expect(first.counts.failed).toBeLessThan(80);
    expect(first.statuses.filter((status) => status === 503)).toHaveLength(first.counts.failed);
    expect(first.reached).toBe(first.counts.forwarded);
    expect((await run()).statuses).toEqual(first.statuses);
  });

  it('fails every request at rate 1 and none once set back to 0', async () => {
    const proxy = await FaultProxy.start(upstream.baseUrl, { failureRate: 1 });
    try {
      reached.length = 0;
      expect((await post(proxy.url, '[1]')).status).toBe(503);
      expect((await post(proxy.url, '[2]')).status).toBe(503);
      expect(reached).toHaveLength(0);
      proxy.setFailureRate(0);
      expect((await post(proxy.url, '[3]')).status).toBe(204);
      expect(proxy.counts).toMatchObject({ received: 3, failed: 2, forwarded: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('refuses requests matching a rule until the rule is cleared', async () => {
    const proxy = await FaultProxy.start(upstream.baseUrl);
    try {
      reached.length = 0;
      proxy.refuseWhen((body) => body.includes('poison'));
      const refused = await post(proxy.url, '[{"id":"poison"}]');
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect((await post(proxy.url, '[{"id":"fine"}]')).status).toBe(204);
      proxy.clearRefusals();
      expect((await post(proxy.url, '[{"id":"poison"}]')).status).toBe(204);
      expect(reached.map((request) => request.body)).toEqual(['[{"id":"fine"}]', '[{"id":"poison"}]']);
      expect(proxy.counts).toMatchObject({ received: 3, refused: 1, forwarded: 2 });
    } finally {
      await proxy.close();
    }
  });

  it('lifts one refusal rule and keeps the others', async () => {
    const proxy = await FaultProxy.start(upstream.baseUrl);
    try {
      reached.length = 0;
      const liftUnauthorized = proxy.refuseWhen(() => true, 401);
      proxy.refuseWhen((body) => body.includes('poison'));
      expect((await post(proxy.url, '[{"id":"fine"}]')).status).toBe(401);

      liftUnauthorized();
      expect((await post(proxy.url, '[{"id":"fine"}]')).status).toBe(204);
      expect((await post(proxy.url, '[{"id":"poison"}]')).status).toBe(422);
      expect(reached.map((request) => request.body)).toEqual(['[{"id":"fine"}]']);
    } finally {
      await proxy.close();
    }
  });

  it('answers 502 and counts it when the upstream is down', async () => {
    const proxy = await FaultProxy.start('http://127.0.0.1:9');
    try {
      expect((await post(proxy.url, '[1]')).status).toBe(502);
      expect(proxy.counts).toMatchObject({ received: 1, forwarded: 1, upstreamErrors: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('refuses a failure rate outside 0..1', async () => {
    const proxy = await FaultProxy.start(upstream.baseUrl);
    try {
      expect(() => proxy.setFailureRate(1.5)).toThrow(RangeError);
    } finally {
      await proxy.close();
    }
  });
});
