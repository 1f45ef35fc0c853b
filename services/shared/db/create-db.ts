import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { DB } from './database.js';

export type Database<Schema = DB> = Kysely<Schema>;

export type DbOptions = {
  connectionString: string;
  max?: number;
  applicationName?: string;
  logger?: Logger;
};

/**
 * A Kysely instance over its own pg Pool. The pool's `error` listener matters: without it a
 * connection dropped by the server while idle (a PostgreSQL restart) would crash the process
 * instead of being replaced on next use.
 */
export function createDb<Schema = DB>(options: DbOptions): Kysely<Schema> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection lost'));
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}
