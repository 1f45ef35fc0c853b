/**
 * The Order API process: config, PostgreSQL, the app, the idempotency purge job, graceful shutdown.
 * Migrations are applied by `npm start` or `outbox migrate`, not here; a database without the
 * tables is reported at start-up instead of on the first request.
 */
import { sql } from 'kysely';
import { loadDotEnv } from '../common/config.js';
import { createDb } from '../common/db/create-db.js';
import type { DB } from '../common/db/database.js';
import { boundPort, closeServer, listen } from '../common/http/listen.js';
import { createLogger } from '../common/logger.js';
import { provisionDatabase } from '../common/postgres/provision.js';
import { installGracefulShutdown } from '../common/shutdown.js';
import { startTracing } from '../common/tracing/tracing.js';
import { createOrderApiApp } from './app.js';
import { createOutboxNotifier } from './store/outbox-notifier.js';
import { systemClock } from '../common/clock.js';
import { loadConfig } from './config.js';
import { scheduleIdempotencyPurge } from './idempotency/purge-job.js';

loadDotEnv();
const tracing = startTracing('order-api');
const config = loadConfig();
const logger = createLogger('order-api', config.logLevel);
const database = await provisionDatabase(config, logger);
const db = createDb<DB>({
  connectionString: database.url,
  max: config.pgPoolMax,
  applicationName: 'order-api',
  logger,
});

const { rows } = await sql<{ missing: string[] }>`
  select array_remove(array[
    case when to_regclass('orders') is null then 'orders' end,
    case when to_regclass('outbox') is null then 'outbox' end,
    case when to_regclass('idempotency_keys') is null then 'idempotency_keys' end
  ], null) as missing`.execute(db);
const missing = rows[0]?.missing ?? [];
if (missing.length > 0) {
  logger.fatal({ missing }, 'tables missing: run `npm run migrate` (or `npm start`, which migrates) first');
  await db.destroy();
  await database.stop();
  process.exit(1);
}

const notifier = createOutboxNotifier(db, logger);
const app = createOrderApiApp({
  db,
  notifier,
  clock: systemClock,
  logger,
  bodyLimit: config.httpBodyLimit,
  idempotencyRetentionMs: config.idempotencyRetentionMs,
  auth: config.auth,
  writeRateLimit: config.writeRateLimit,
});
const server = await listen(app, config.port);
const stopPurge = scheduleIdempotencyPurge({
  db,
  clock: systemClock,
  logger,
  schedule: config.idempotencyPurgeSchedule,
  retentionMs: config.idempotencyRetentionMs,
});
logger.info({ port: boundPort(server) }, 'order API listening');

installGracefulShutdown(
  logger,
  [
    { name: 'stop purge job', run: stopPurge },
    { name: 'close HTTP server', run: () => closeServer(server) },
    { name: 'send the last relay wake-up', run: () => notifier.drain() },
    { name: 'close database pool', run: () => db.destroy() },
    { name: 'release PostgreSQL', run: () => database.stop() },
    { name: 'flush traces', run: () => tracing.shutdown() },
  ],
  config.shutdownTimeoutMs,
);
