import type { CommonConfig } from '../common/config.js';
import { createDb } from '../common/db/create-db.js';
import { coreMigrationSet, migrateToLatest } from '../common/db/migrate.js';
import type { Logger } from '../common/logger.js';
import { databaseNameOf } from '../common/postgres/database-admin.js';
import { provisionDatabase, type ProvisionedDatabase } from '../common/postgres/provision.js';
import { provisionSubscriberDatabases } from '../common/postgres/subscriber-databases.js';

/**
 * `npm start`'s databases: the main one (DATABASE_URL, or the embedded server), migrated with the
 * core schema, and one per subscriber next to it (see subscriber-databases.ts), each migrated with
 * its own set. Returns the main database and the variables that hand every service its database.
 */
export async function prepareDatabases(
  config: Pick<CommonConfig, 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'>,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<{ database: ProvisionedDatabase; env: Record<string, string> }> {
  const database = await provisionDatabase(config, logger, { owner: true });
  try {
    const db = createDb({ connectionString: database.url, max: 1, logger });
    try {
      const applied = await migrateToLatest(db, coreMigrationSet);
      logger.info({ applied }, 'core migrations applied');
    } finally {
      await db.destroy();
    }
    const subscribers = await provisionSubscriberDatabases(database.url, env, logger);
    for (const subscriber of subscribers)
      logger.info(
        {
          subscriber: subscriber.subscriber,
          database: databaseNameOf(subscriber.url),
          source: subscriber.source,
          applied: subscriber.applied,
        },
        'subscriber database ready',
      );
    return {
      database,
      env: {
        DATABASE_URL: database.url,
        ...Object.fromEntries(subscribers.map((subscriber) => [subscriber.variable, subscriber.url])),
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
