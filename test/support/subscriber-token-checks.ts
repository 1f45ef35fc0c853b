import { expect, it } from '@jest/globals';
import { ALL_SCOPES, type Scope } from '../../services/common/auth/scopes.js';
import { schemaRowCounts, type SubscriberUnderTest } from './subscriber-contract.js';
import { sendJson, getJson } from './subscriber-delivery.js';
import { testToken } from './test-tokens.js';

export type GuardedRoute = {
  method: 'GET' | 'PUT';
  /** The path (and query) to call. */
  path: string;
  /** The body of a PUT: a valid one, so that only the token can be what is refused. */
  body?: unknown;
  scope: Scope;
};

export type TokenCheckOptions = {
  /** The service name: the realm of its bearer challenge, and the schema whose rows must not change. */
  name: string;
  subscriber: () => SubscriberUnderTest;
  route: () => GuardedRoute;
  /** What the route would change, read (with an operator's token) before and after each refusal. */
  readState?: () => Promise<unknown>;
};

/**
 * A subscriber's own route against callers without the right token, over real HTTP on a real
 * database: no token is 401 with the service's bearer challenge, a token without the route's scope
 * is 403, and neither changes a row (nor what `readState` reads).
 */
export function itRefusesCallersWithoutTheScope(options: TokenCheckOptions): void {
  const call = async (token: string | null) => {
    const route = options.route();
    const url = `${options.subscriber().baseUrl}${route.path}`;
    return route.method === 'GET' ? getJson(url, token) : sendJson(route.method, url, route.body, token);
  };
  const snapshot = async () => {
    const state = await options.readState?.();
    return { state, rows: await schemaRowCounts(options.subscriber().db, options.name) };
  };

  it('refuses a call without a bearer token with 401 and a challenge naming the service, changing nothing', async () => {
    const before = await snapshot();
    const route = options.route();
    const response = await fetch(`${options.subscriber().baseUrl}${route.path}`, {
      method: route.method,
      ...(route.body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(route.body) }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${options.name}"`);
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a token without the scope of the route with 403, changing nothing', async () => {
    const { scope } = options.route();
    const before = await snapshot();
    const token = await testToken({ scopes: ALL_SCOPES.filter((other) => other !== scope) });
    expect(await call(token)).toEqual({
      status: 403,
      body: expect.objectContaining({ type: '/problems/insufficient-scope', requiredScope: scope }),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('answers a token holding only the scope of the route', async () => {
    const { scope } = options.route();
    const response = await call(await testToken({ subject: 'scoped-client', scopes: [scope] }));
    expect([401, 403]).not.toContain(response.status);
  });
}
