import pg from 'pg';
import { migrationSets } from '../../../migrations/index.js';
import { createDb } from '../db/create-db.js';
import { migrateToLatest } from '../db/migrate.js';
import { DEFAULT_SUBSCRIBERS } from '../events/default-subscribers.js';
import type { Logger } from '../logger.js';
import { createDatabase, databaseExists, databaseNameOf, withDatabaseName } from './database-admin.js';

/**
 * Each default subscriber keeps its data (inbox and effects) in a database of its own, next to the
 * main one on the same server: `outbox_email`, `outbox_inventory`, ... Not for tidiness: the relay's
 * fence waits for every transaction of the main database that began before an event's, so a
 * subscriber's batch transaction there would hold every stream back for its duration.
 */
export type SubscriberDatabase = {
  subscriber: string;
  /** The variable the subscriber reads it from: EMAIL_DATABASE_URL, ... */
  variable: string;
  url: string;
  /**
   * given: the variable was set; own: the database next to the main one; shared: the main database,
   * kept because the subscriber's tables were already there (an earlier version shared it).
   */
  source: 'given' | 'own' | 'shared';
};

export const subscriberDatabaseVariable = (subscriber: string) => `${subscriber.toUpperCase()}_DATABASE_URL`;

/** `outbox` + `email` -> `outbox_email`. */
export const subscriberDatabaseName = (mainDatabase: string, subscriber: string) =>
  `${mainDatabase}_${subscriber}`;

/** Whether the main database holds a subscriber's tables: its migration history is there. */
async function holdsSchemaOf(mainUrl: string, subscriber: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: mainUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ present: boolean }>(
      `select to_regclass(format('%I.kysely_migration', $1::text)) is not null as present`,
      [subscriber],
    );
    return rows[0]!.present;
  } finally {
    await client.end();
  }
}

/**
 * Where one subscriber's data lives: its variable when set; else its own database when that exists;
 * else the main database when that already holds its tables; else its own database, created here
 * when `create` (on the main database's server, as the main database's role: it needs CREATEDB).
 */
export async function locateSubscriberDatabase(
  mainUrl: string,
  env: Record<string, string | undefined>,
  subscriber: string,
  options: { create: boolean },
): Promise<SubscriberDatabase> {
  const variable = subscriberDatabaseVariable(subscriber);
  const given = env[variable];
  if (given) return { subscriber, variable, url: given, source: 'given' };
  const own = subscriberDatabaseName(databaseNameOf(mainUrl), subscriber);
  const ownUrl = withDatabaseName(mainUrl, own);
  if (await databaseExists(mainUrl, own)) return { subscriber, variable, url: ownUrl, source: 'own' };
  if ((await holdsSchemaOf(mainUrl, subscriber)) || !options.create)
    return { subscriber, variable, url: mainUrl, source: 'shared' };
  try {
    await createDatabase(mainUrl, own);
  } catch (error) {
    throw new Error(
      `could not create the database ${own} for the ${subscriber} subscriber: create it, ` +
        `or set ${variable} to a database it may use`,
      { cause: error },
    );
  }
  return { subscriber, variable, url: ownUrl, source: 'own' };
}

/**
 * What `npm start` and `outbox migrate` do for the subscribers: find or create each one's database
 * and apply its migration set there. Returns them with the migrations applied.
 */
export async function provisionSubscriberDatabases(
  mainUrl: string,
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<(SubscriberDatabase & { applied: string[] })[]> {
  const provisioned: (SubscriberDatabase & { applied: string[] })[] = [];
  for (const { name } of DEFAULT_SUBSCRIBERS) {
    const database = await locateSubscriberDatabase(mainUrl, env, name, { create: true });
    if (database.source === 'shared') {
      logger.warn(
        { subscriber: name, database: databaseNameOf(mainUrl) },
        `the ${name} subscriber's tables are in the main database (from before subscribers had ` +
          `databases of their own): it keeps using it, and its transactions can hold the relay's ` +
          `fence. To move them, see docs/operations.md (Upgrades and migrations), or set ${database.variable}.`,
      );
    }
    const set = migrationSets.find((candidate) => candidate.name === name);
    if (!set) throw new Error(`no migration set named ${name}`);
    const db = createDb({ connectionString: database.url, max: 1, logger });
    try {
      provisioned.push({ ...database, applied: await migrateToLatest(db, set) });
    } finally {
      await db.destroy();
    }
  }
  return provisioned;
}
