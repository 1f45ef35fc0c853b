import { afterAll, beforeAll } from '@jest/globals';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { startConnectionCuttingProxy, type ConnectionCuttingProxy } from './connection-cutting-proxy.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { serve, type Served } from './serve.js';
import { createDb } from '../../services/common/db/create-db.js';
import { createLogger, type Logger } from '../../services/common/logger.js';
import type { AuthConfig } from '../../services/common/auth/auth-config.js';
import { createOrderApiApp } from '../../services/order-api/app.js';
import { createOutboxNotifier } from '../../services/order-api/store/outbox-notifier.js';
import type { Clock } from '../../services/common/clock.js';
import { operatorToken, testAuthConfig } from './test-tokens.js';

/** Requests to the API as one caller; a header given (Authorization too) wins over the default. */
export type ApiClient = {
  post: (path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  get: (path: string, headers?: Record<string, string>) => Promise<Response>;
};
import type { WriteRateLimit } from '../../services/order-api/http/rate-limit-writes.js';

/**
 * A real Order API for a spec file: its own migrated database, the app served over real HTTP on a
 * free port, and the log lines it wrote. It trusts the test token fixture (testAuthConfig, unless
 * `auth` says otherwise), and `post` and `get` send an operator's token (every scope); `as` sends
 * another token, or none. With `throughProxy`, the app reaches PostgreSQL through a proxy that cuts
 * its connections on cue, while `database.db` (counts, checks) connects directly. Test support only.
 */
export type ApiHarness = ApiClient & {
  database: TestDatabase;
  /** Set with `throughProxy`. */
  proxy: ConnectionCuttingProxy | undefined;
  baseUrl: string;
  logLines: Record<string, unknown>[];
  /** The operator's bearer token `post` and `get` send. */
  token: string;
  /** The same requests with `token` as the bearer instead; null sends no Authorization header. */
  as(token: string | null): ApiClient;
  counts(): Promise<{ orders: number; outbox: number; idempotencyKeys: number }>;
  close(): Promise<void>;
};

export async function startApiHarness(
  options: {
    clock?: Clock;
    poolMax?: number;
    idempotencyRetentionMs?: number;
    throughProxy?: boolean;
    auth?: AuthConfig;
    /** Off unless given (the spec files of other concerns send many writes from one address). */
    writeRateLimit?: WriteRateLimit;
  } = {},
): Promise<ApiHarness> {
  const database = await createTestDatabase({ poolMax: options.poolMax ?? 10 });
  const proxy = options.throughProxy ? await startConnectionCuttingProxy(database.url) : undefined;
  const appDb = proxy ? createDb({ connectionString: proxy.url, max: options.poolMax ?? 10 }) : database.db;
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger: Logger = createLogger('order-api', 'info', sink);
  const notifier = createOutboxNotifier(appDb, logger);
  const app = createOrderApiApp({
    db: appDb,
    notifier,
    clock: options.clock ?? (() => new Date()),
    logger,
    bodyLimit: '16kb',
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? 86_400_000,
    auth: options.auth ?? (await testAuthConfig()),
    writeRateLimit: options.writeRateLimit,
  });
  const served: Served = await serve(app);
  const baseUrl = served.baseUrl;
  const as = (token: string | null): ApiClient => {
    // An Authorization header the test gives (in any case) replaces the token's, never joins it.
    const withBearer = (headers: Record<string, string>) =>
      token === null || Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')
        ? headers
        : { authorization: `Bearer ${token}`, ...headers };
    return {
      post: (path, body, headers = {}) =>
        fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: withBearer(
            body === undefined ? headers : { 'content-type': 'application/json', ...headers },
          ),
          body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      get: (path, headers = {}) => fetch(`${baseUrl}${path}`, { headers: withBearer(headers) }),
    };
  };
  const token = await operatorToken();
  const operator = as(token);
  return {
    database,
    proxy,
    baseUrl,
    logLines,
    token,
    as,
    post: operator.post,
    get: operator.get,
    counts: async () => {
      const { rows } = await sql<{ orders: string; outbox: string; idempotency_keys: string }>`
        select (select count(*) from orders) as orders, (select count(*) from outbox) as outbox,
               (select count(*) from idempotency_keys) as idempotency_keys`.execute(database.db);
      const row = rows[0]!;
      return {
        orders: Number(row.orders),
        outbox: Number(row.outbox),
        idempotencyKeys: Number(row.idempotency_keys),
      };
    },
    close: async () => {
      await served.close();
      await notifier.drain();
      if (proxy) {
        await appDb.destroy();
        await proxy.close();
      }
      await database.destroy();
    },
  };
}

export const anOrder = { customerId: 'customer-1', items: ['SKU-MUG', { sku: 'SKU-TEA', quantity: 3 }] };

/** Creates an order over HTTP (as the operator, or as `api.as(token)`) and returns its id. */
export async function createOrderVia(api: ApiClient, body: unknown = anOrder): Promise<string> {
  const response = await api.post('/orders', body);
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/**
 * The harness for a spec file: started before its tests, closed after them. Its properties are
 * read through once the harness is up (using it outside a test or hook is a mistake and says so).
 */
export function useApiHarness(options: Parameters<typeof startApiHarness>[0] = {}): ApiHarness {
  let harness: ApiHarness | undefined;
  beforeAll(async () => {
    harness = await startApiHarness(options);
  });
  afterAll(async () => {
    await harness?.close();
  });
  return new Proxy({} as ApiHarness, {
    get(_target, key) {
      if (!harness) throw new Error('the API harness is used before its beforeAll ran');
      const value: unknown = Reflect.get(harness, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(harness) : value;
    },
  });
}
