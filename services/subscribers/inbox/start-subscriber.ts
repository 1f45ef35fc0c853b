import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { migrationSets } from '../../../migrations/index.js';
import { createDb } from '../../common/db/create-db.js';
import type { DB } from '../../common/db/database.js';
import { migrateToLatest } from '../../common/db/migrate.js';
import { boundPort, closeServer, listen } from '../../common/http/listen.js';
import type { Logger } from '../../common/logger.js';
import { provisionDatabase } from '../../common/postgres/provision.js';
import { installGracefulShutdown } from '../../common/shutdown.js';
import { startTracing } from '../../common/tracing/tracing.js';
import { startNatsEventSource, type NatsEventSource } from '../nats/nats-event-source.js';
import { scheduleInboxPurge } from './schedule-inbox-purge.js';
import type { SubscriberEffects, SubscriberName } from './subscriber.js';
import type { SubscriberConfig } from './subscriber-config.js';
import type { Clock } from '../../common/clock.js';

export type StartSubscriberOptions = {
  name: SubscriberName;
  config: SubscriberConfig;
  logger: Logger;
  clock: Clock;
  /** The effects POST /events applies; a NATS event source applies them too. */
  effects: SubscriberEffects;
  /** Where /metrics reads from; a fresh one unless the service registers metrics of its own there. */
  registry?: Registry;
  /** The HTTP app, given the registry and what /readyz asks of the event source. */
  createApp: (db: Kysely<DB>, edge: SubscriberEdge) => Express;
  /**
   * The service's own housekeeping, scheduled once it serves (on INBOX_PURGE_SCHEDULE, beside the
   * inbox purge); returns its stop function, called on shutdown.
   */
  scheduleJobs?: (db: Kysely<DB>) => () => Promise<void>;
};

/** What the app shares with the event source: the metrics registry and the source's readiness. */
export type SubscriberEdge = { registry: Registry; sourceReady: () => boolean };

/**
 * What every subscriber's main does: reach its database (its own URL, DATABASE_URL, or the shared
 * embedded server), apply its own migration set so it can run against a database of its own, serve,
 * consume from NATS when `<NAME>_EVENT_SOURCE` is a nats:// URL, purge its inbox on schedule, and
 * shut down in order on SIGTERM/SIGINT (the NATS consumers first: their batches in hand finish).
 *
 * The NATS source starts after the HTTP server listens: while it waits for its stream, POST /events
 * is served and /readyz says 503. A source that is refused (events on partitions it would not consume)
 * stops the process with exit code 1.
 */
export async function startSubscriber(options: StartSubscriberOptions): Promise<void> {
  const { name, config, logger } = options;
  const tracing = startTracing(name);
  const database = await provisionDatabase(config, logger);
  const db = createDb({
    connectionString: database.url,
    max: config.pgPoolMax,
    applicationName: name,
    logger,
  });
  const set = migrationSets.find((candidate) => candidate.name === name);
  if (!set) throw new Error(`no migration set named ${name}`);
  const applied = await migrateToLatest(db, set);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');

  const registry = options.registry ?? new Registry();
  let source: NatsEventSource | undefined;
  const server = await listen(
    options.createApp(db, { registry, sourceReady: () => source?.isReady() ?? true }),
    config.port,
  );
  if (config.eventSource.kind === 'nats') {
    source = startNatsEventSource({
      endpoint: config.eventSource.endpoint,
      db,
      effects: options.effects,
      clock: options.clock,
      logger,
      registry,
      ackWaitMs: config.natsAckWaitMs,
      batchSize: config.natsBatchSize,
    });
    source.started.catch((error: unknown) => {
      logger.fatal({ err: error }, `the NATS event source was refused: ${(error as Error).message}`);
      process.exit(1);
    });
  }
  const stopPurge = scheduleInboxPurge({
    db,
    schema: name,
    clock: options.clock,
    retentionMs: config.inboxRetentionMs,
    schedule: config.inboxPurgeSchedule,
    logger,
  });
  const stopJobs = options.scheduleJobs?.(db) ?? (async () => {});
  installGracefulShutdown(
    logger,
    [
      { name: 'stop consuming from NATS', run: () => source?.stop() },
      { name: 'stop the inbox purge', run: stopPurge },
      { name: "stop the service's own jobs", run: stopJobs },
      { name: 'close the HTTP server', run: () => closeServer(server) },
      { name: 'close the pool', run: () => db.destroy() },
      { name: 'stop PostgreSQL if started here', run: () => database.stop() },
      { name: 'flush traces', run: () => tracing.shutdown() },
    ],
    config.shutdownTimeoutMs,
  );
  // The bound port, not the configured one: with port 0 this is how a supervisor finds the service.
  logger.info({ port: boundPort(server), source: database.source }, `${name} subscriber listening`);
}
