import { afterAll, beforeAll } from '@jest/globals';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { startConnectionCuttingProxy, type ConnectionCuttingProxy } from './connection-cutting-proxy.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { serve, type Served } from './serve.js';
import { createDb } from '../../services/common/db/create-db.js';
import type { Logger } from '../../services/common/logger.js';
import { createOrderApiApp } from '../../services/order-api/app.js';
import { createOutboxNotifier } from '../../services/order-api/store/outbox-notifier.js';
import type { Clock } from '../../services/common/clock.js';
import type { WriteRateLimit } from '../../services/order-api/http/rate-limit-writes.js';

/**
 * A real Order API for a spec file: its own migrated database, the app served over real HTTP on a
 * free port, and the log lines it wrote. With `throughProxy`, the app reaches PostgreSQL through a
 * proxy that cuts its connections on cue, while `database.db` (counts, checks) connects directly.
 * Test support only.
 */
export type ApiHarness = {
  database: TestDatabase;
  /** Set with `throughProxy`. */
  proxy: ConnectionCuttingProxy | undefined;
  baseUrl: string;
  logLines: Record<string, unknown>[];
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  counts(): Promise<{ orders: number; outbox: number; idempotencyKeys: number }>;
  close(): Promise<void>;
};

export async function startApiHarness(
  options: {
    clock?: Clock;
    poolMax?: number;
    idempotencyRetentionMs?: number;
    throughProxy?: boolean;
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
  const logger: Logger = pino({ level: 'info', base: { service: 'order-api' } }, sink);
  const notifier = createOutboxNotifier(appDb, logger);
  const app = createOrderApiApp({
    db: appDb,
    notifier,
    clock: options.clock ?? (() => new Date()),
    logger,
    bodyLimit: '16kb',
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? 86_400_000,
    writeRateLimit: options.writeRateLimit,
  });
  const served: Served = await serve(app);
  const baseUrl = served.baseUrl;
  return {
    database,
    proxy,
    baseUrl,
    logLines,
    post: (path, body, headers = {}) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path) => fetch(`${baseUrl}${path}`),
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

/** Creates an order over HTTP and returns its id. */
export async function createOrderVia(api: ApiHarness, body: unknown = anOrder): Promise<string> {
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
