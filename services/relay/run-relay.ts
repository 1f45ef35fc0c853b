import { loadDotEnv } from '../common/config.js';
import { createDb } from '../common/db/create-db.js';
import { coreMigrationSet, migrateToLatest } from '../common/db/migrate.js';
import { boundPort, closeServer, listen } from '../common/http/listen.js';
import { createLogger } from '../common/logger.js';
import { provisionDatabase } from '../common/postgres/provision.js';
import { installGracefulShutdown } from '../common/shutdown.js';
import { startTracing } from '../common/tracing/tracing.js';
import { createRelayAdminApp } from './admin-app.js';
import { systemClock } from '../common/clock.js';
import { loadRelayConfig } from './config.js';
import { checkNatsSubscriptions, StartRefusedError } from './nats/check-nats-subscriptions.js';
import { createNatsTransport } from './nats/nats-transport.js';
import { createRelayMetrics } from './relay-metrics.js';
import { startRelay } from './relay.js';
import { ensureDefaultSubscriptions } from './subscriptions/ensure-default-subscriptions.js';
import { Registry } from 'prom-client';

/** An IPv6 address goes in brackets in a URL; 0.0.0.0 and :: are reached as this machine. */
const urlHost = (host: string) =>
  host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

/**
 * The relay process (`npm run relay`, `outbox relay`, `npm start`): everything is wired here.
 * SIGTERM/SIGINT: stop claiming, finish each in-flight batch and store its checkpoint, release the
 * leases, close the admin server and the pool, exit 0.
 */
export async function runRelayProcess(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  loadDotEnv();
  const tracing = startTracing('relay', env);
  const config = loadRelayConfig(env);
  const logger = createLogger('relay', config.logLevel);
  const database = await provisionDatabase(config, logger);
  const nats = createNatsTransport({ timeoutMs: config.natsTimeoutMs, logger });
  const db = createDb({
    connectionString: database.url,
    max: config.pgPoolMax,
    applicationName: 'outbox-relay',
    logger,
  });
  try {
    // The core schema only: the subscribers' sets belong in their own databases (their own
    // services and `outbox migrate` apply them there).
    await migrateToLatest(db, coreMigrationSet);
    if (config.createDefaultSubscriptions) {
      const created = await ensureDefaultSubscriptions(db, env);
      if (created.length > 0) logger.info({ created }, 'default subscriptions created');
    }
    const natsCheck = await checkNatsSubscriptions(db, nats);
    if (!natsCheck.ok) {
      logger.error(
        { error: natsCheck.error },
        'relay not started: a NATS subscription cannot be delivered to',
      );
      throw new StartRefusedError(natsCheck.error);
    }
    if (natsCheck.checked.length > 0)
      logger.info({ subscriptions: natsCheck.checked }, 'NATS subscriptions: servers reached, streams ready');
  } catch (error) {
    // Fail fast, but let the process end: an open pool or NATS connection would keep it alive.
    await nats.close();
    await db.destroy();
    await database.stop();
    throw error;
  }

  const registry = new Registry();
  const metrics = createRelayMetrics(registry, db);
  const relay = startRelay({
    db,
    databaseUrl: database.url,
    config,
    logger,
    clock: systemClock,
    metrics,
    nats,
  });
  const stopping = new AbortController();
  const app = createRelayAdminApp({
    relay,
    db,
    registry,
    logger,
    bodyLimit: config.httpBodyLimit,
    clock: systemClock,
    boundHost: config.adminHost,
    adminToken: config.adminToken,
    stopping: stopping.signal,
  });
  const server = await listen(app, config.adminPort, config.adminHost);
  logger.info(
    {
      host: config.adminHost,
      port: boundPort(server),
      instanceId: relay.instanceId,
      console: `http://${urlHost(config.adminHost)}:${boundPort(server)}/`,
      tokenRequired: config.adminToken !== undefined,
    },
    'relay admin listening (the console is at its root)',
  );

  installGracefulShutdown(
    logger,
    [
      { name: 'relay', run: () => relay.stop() },
      {
        name: 'admin server',
        run: () => {
          stopping.abort();
          return closeServer(server);
        },
      },
      { name: 'database pool', run: () => db.destroy() },
      { name: 'embedded postgres', run: () => database.stop() },
      { name: 'flush traces', run: () => tracing.shutdown() },
    ],
    config.shutdownTimeoutMs,
  );
}
