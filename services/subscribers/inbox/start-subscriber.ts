import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { migrationSets } from '../../../migrations/index.js';
import { createDb } from '../../common/db/create-db.js';
import type { DB } from '../../common/db/database.js';
import { migrateToLatest } from '../../common/db/migrate.js';
import { boundPort, closeServer, listen } from '../../common/http/listen.js';
import type { Logger } from '../../common/logger.js';
import { provisionDatabase } from '../../common/postgres/provision.js';
import { installGracefulShutdown } from '../../common/shutdown.js';
import { scheduleInboxPurge } from './schedule-inbox-purge.js';
import type { SubscriberName } from './subscriber.js';
import type { SubscriberConfig } from './subscriber-config.js';
import type { Clock } from '../../common/clock.js';

export type StartSubscriberOptions = {
  name: SubscriberName;
  config: SubscriberConfig;
  logger: Logger;
  clock: Clock;
  createApp: (db: Kysely<DB>) => Express;
  /**
   * The service's own housekeeping, scheduled once it serves (on INBOX_PURGE_SCHEDULE, beside the
   * inbox purge); returns its stop function, called on shutdown.
   */
  scheduleJobs?: (db: Kysely<DB>) => () => Promise<void>;
};

/**
 * What every subscriber's main does: reach its database (its own URL, DATABASE_URL, or the shared
 * embedded server), apply its own migration set so it can run against a database of its own, serve,
 * purge its inbox on schedule, and shut down in order on SIGTERM/SIGINT.
 */
export async function startSubscriber(options: StartSubscriberOptions): Promise<void> {
  const { name, config, logger } = options;
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

  const server = await listen(options.createApp(db), config.port);
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
      { name: 'stop the inbox purge', run: stopPurge },
      { name: "stop the service's own jobs", run: stopJobs },
      { name: 'close the HTTP server', run: () => closeServer(server) },
      { name: 'close the pool', run: () => db.destroy() },
      { name: 'stop PostgreSQL if started here', run: () => database.stop() },
    ],
    config.shutdownTimeoutMs,
  );
  // The bound port, not the configured one: with port 0 this is how a supervisor finds the service.
  logger.info({ port: boundPort(server), source: database.source }, `${name} subscriber listening`);
}
