import { afterAll, describe, expect, it } from '@jest/globals';
import { ALL_SCOPES } from '../../services/common/auth/scopes.js';
import { serve } from '../support/serve.js';
import { operatorToken, testAuthConfig, testToken } from '../support/test-tokens.js';
import { everyServiceApp } from './service-apps.js';

/**
 * The scopes each subscriber's document declares are the scopes its routes check: every guarded
 * operation, asked without a token, is 401 with a bearer challenge, and asked with a token holding
 * every scope but its own, 403. Neither reaches the route, so no database is needed (one that
 * did would fail: the pool points nowhere). What a refused write leaves unchanged is asserted
 * against a real database in each service's own spec.
 */
const { apps, close } = everyServiceApp(await testAuthConfig());

afterAll(async () => {
  await close();
});

type Operation = { security?: Record<string, string[]>[] };
const SAMPLE_ORDER_ID = '0190f1c0-0000-7000-8000-000000000001';

/** A request for a documented operation: its path filled in, its required query and a valid body. */
function requestFor(path: string, method: string): { url: string; init: RequestInit } {
  const filled = path.replace('{sku}', 'SKU-1').replace('{orderId}', SAMPLE_ORDER_ID);
  const query = ['/reservations', '/charges', '/emails'].includes(path) ? `?orderId=${SAMPLE_ORDER_ID}` : '';
  const bodies: Record<string, unknown> = { put: { onHand: 5, unitPriceCents: 100 } };
  const body = bodies[method];
  return {
    url: `${filled}${query}`,
    init: {
      method: method.toUpperCase(),
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    },
  };
}

const subscribers = apps.filter((service) =>
  ['email', 'inventory', 'warehouse', 'billing'].includes(service.name),
);

describe.each(subscribers.map((service) => [service.name, service] as const))('%s', (name, service) => {
  const guarded = async () => {
    const document = await service.document();
    return Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).flatMap(([method, operation]) => {
        const scope = operation.security?.[0]?.bearerAuth?.[0];
        return scope ? [{ path, method, scope }] : [];
      }),
    );
  };

  it('answers every guarded operation without a token with 401 and a bearer challenge naming the service', async () => {
    const operations = await guarded();
    expect(operations.length).toBeGreaterThan(0);
    const served = await serve(service.app);
    try {
      for (const { path, method } of operations) {
        const { url, init } = requestFor(path, method);
        const response = await fetch(`${served.baseUrl}${url}`, init);
        expect([method, path, response.status]).toEqual([method, path, 401]);
        expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${name}"`);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    } finally {
      await served.close();
    }
  });

  it('answers every guarded operation with 403 to a token holding every scope but the one it declares', async () => {
    const served = await serve(service.app);
    try {
      for (const { path, method, scope } of await guarded()) {
        const token = await testToken({ scopes: ALL_SCOPES.filter((other) => other !== scope) });
        const { url, init } = requestFor(path, method);
        const response = await fetch(`${served.baseUrl}${url}`, {
          ...init,
          headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
        });
        expect([method, path, response.status]).toEqual([method, path, 403]);
        expect(response.headers.get('www-authenticate')).toBe(
          `Bearer error="insufficient_scope", scope="${scope}"`,
        );
        expect(await response.json()).toMatchObject({
          type: '/problems/insufficient-scope',
          requiredScope: scope,
        });
      }
    } finally {
      await served.close();
    }
  });

  it('answers the open routes without a token, and a path that does not exist only to a token holder', async () => {
    const served = await serve(service.app);
    try {
      for (const path of ['/healthz', '/metrics', '/openapi.json']) {
        expect([path, (await fetch(`${served.baseUrl}${path}`)).status]).toEqual([path, 200]);
      }
      // Readiness fails here (no database), but it answers: the token check is not in its way.
      expect((await fetch(`${served.baseUrl}/readyz`)).status).toBe(503);
      expect((await fetch(`${served.baseUrl}/no-such-route`)).status).toBe(401);
      const withToken = await fetch(`${served.baseUrl}/no-such-route`, {
        headers: { authorization: `Bearer ${await operatorToken()}` },
      });
      expect(withToken.status).toBe(404);
    } finally {
      await served.close();
    }
  });

  it('leaves POST /events to its signature check: no token needed, and a token does not replace a signature', async () => {
    const served = await serve(service.app);
    try {
      const unsigned = await fetch(`${served.baseUrl}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents-batch+json',
          authorization: `Bearer ${await operatorToken()}`,
        },
        body: '[]',
      });
      expect(unsigned.status).toBe(401);
      expect(unsigned.headers.get('www-authenticate')).toBeNull();
      expect(await unsigned.json()).toMatchObject({ detail: expect.stringMatching(/webhook signature/) });
    } finally {
      await served.close();
    }
  });
});
