import { join, resolve } from 'node:path';
import type { CommonConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { ensureDatabase, withDatabaseName } from './database-admin.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export type DatabaseSource = 'DATABASE_URL' | 'embedded';

export type ProvisionedDatabase = {
  url: string;
  source: DatabaseSource;
  /** Stops the embedded server if this call started it; a no-op otherwise. */
  stop(): Promise<void>;
};

/** The application's own database on the embedded server. */
export const EMBEDDED_DATABASE = 'outbox';

/** DATABASE_URL when set; otherwise an embedded PostgreSQL whose data lives under DATA_DIR. */
export function chooseDatabaseSource(config: Pick<CommonConfig, 'databaseUrl'>): DatabaseSource {
  return config.databaseUrl ? 'DATABASE_URL' : 'embedded';
}

/**
 * `owner`: the launcher owns the embedded server (stops it on exit, even one it found running);
 * a service started alone shares a running one and leaves it up.
 */
export async function provisionDatabase(
  config: Pick<CommonConfig, 'databaseUrl' | 'dataDir' | 'embeddedPostgresPort'>,
  logger: Logger,
  options: { owner?: boolean } = {},
): Promise<ProvisionedDatabase> {
  const source = chooseDatabaseSource(config);
  if (source === 'DATABASE_URL' && config.databaseUrl) {
    logger.info({ source }, 'using PostgreSQL from DATABASE_URL');
    return { url: config.databaseUrl, source, stop: async () => {} };
  }
  const dataDir = join(resolve(config.dataDir), 'postgres');
  const server = await startEmbeddedPostgres({
    dataDir,
    port: config.embeddedPostgresPort,
    durable: true,
    adoptRunning: options.owner ?? false,
    logger,
  });
  await ensureDatabase(server.url, EMBEDDED_DATABASE);
  logger.info({ source, dataDir, reused: server.reused }, 'using embedded PostgreSQL');
  return { url: withDatabaseName(server.url, EMBEDDED_DATABASE), source, stop: () => server.stop() };
}
