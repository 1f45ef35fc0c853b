import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuthConfig } from '../../common/auth/auth-config.js';
import { authenticate } from '../../common/auth/authenticate.js';
import { createHttpApp } from '../../common/http/create-app.js';
import { buildServiceDocument } from '../../common/http/openapi/build-document.js';
import { createLogger } from '../../common/logger.js';
import { serve, type Served } from '../../../test/support/serve.js';
import { customerToken, testAuthConfig } from '../../../test/support/test-tokens.js';
import { rateLimitWrites } from './rate-limit-writes.js';

/**
 * Who the limiter counts as one caller, behind the real `authenticate`: the token's subject, so two
 * customers behind one address (a shared proxy, an office) do not share a budget; and, with
 * AUTH_MODE=off, the address, since every request is then the same anonymous caller. No database:
 * the route behind it only answers.
 */
async function serveLimited(auth: AuthConfig): Promise<Served> {
  const logger = createLogger('rate-limit-test', 'silent');
  return serve(
    createHttpApp({
      service: 'rate-limit-test',
      logger,
      bodyLimit: '1kb',
      openApi: buildServiceDocument({ title: 'Test', description: 'A limited app', paths: {} }),
      isReady: () => Promise.resolve(true),
      routes: (app) => {
        app.use(authenticate(auth, { realm: 'rate-limit-test', logger }));
        app.use('/orders', rateLimitWrites({ rate: { limit: 2, windowMs: 60_000 }, logger }));
        app.post('/orders', (_req, res) => {
          res.status(201).json({ ok: true });
        });
      },
    }),
  );
}

const post = (served: Served, token?: string) =>
  fetch(`${served.baseUrl}/orders`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('the write limiter behind authentication', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveLimited(await testAuthConfig());
  });
  afterAll(async () => {
    await served.close();
  });

  it('counts per token subject: another subject from the same address has its own budget', async () => {
    const [alice, bob] = [await customerToken('alice'), await customerToken('bob')];
    expect((await post(served, alice)).status).toBe(201);
    expect((await post(served, alice)).status).toBe(201);
    expect((await post(served, alice)).status).toBe(429);
    expect((await post(served, bob)).status).toBe(201);
    // A fresh token of the same subject is the same caller.
    expect((await post(served, await customerToken('alice'))).status).toBe(429);
  });

  it('never counts a request refused for its token', async () => {
    for (const _ of [1, 2, 3]) expect((await post(served)).status).toBe(401);
    const carol = await customerToken('carol');
    expect((await post(served, carol)).status).toBe(201);
    expect((await post(served, carol)).status).toBe(201);
  });
});

describe('the write limiter with AUTH_MODE=off', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveLimited({ mode: 'off' });
  });
  afterAll(async () => {
    await served.close();
  });

  it('counts per client address, whatever token is sent', async () => {
    expect((await post(served, await customerToken('dave'))).status).toBe(201);
    expect((await post(served, await customerToken('erin'))).status).toBe(201);
    const refused = await post(served);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
