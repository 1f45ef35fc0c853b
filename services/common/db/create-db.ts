import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { DB } from './database.js';
import { preparingPool } from './prepared-statements.js';

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
  // pg errors carry the whole client object; log what an operator can act on.
  const describe = (error: Error & { code?: string }) => ({ message: error.message, code: error.code });
  pool.on('error', (error) =>
    options.logger?.warn({ err: describe(error) }, 'idle PostgreSQL connection lost'),
  );
  // pg-pool listens for errors only on idle clients. A checked-out client whose server goes away
  // between two statements (a PostgreSQL restart mid-transaction) would emit 'error' with no
  // listener and kill the process; with this one the statement fails instead, the transaction is
  // retried or reported, and the pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', (error: Error) =>
      options.logger?.debug({ err: describe(error) }, 'PostgreSQL connection lost while checked out'),
    );
  });
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}
