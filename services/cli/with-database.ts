import type { Kysely } from 'kysely';
import { loadConfig, loadDotEnv } from '../common/config.js';
import { createDb } from '../common/db/create-db.js';
import type { DB } from '../common/db/database.js';
import { createLogger } from '../common/logger.js';
import { provisionDatabase } from '../common/postgres/provision.js';

/**
 * Runs one CLI command against the system's database (DATABASE_URL, or the embedded server under
 * DATA_DIR), closing everything afterwards. Logs go to stderr only as warnings, so stdout stays
 * the command's output (tables, JSON) for scripts to read.
 */
export async function withDatabase<T>(work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger('outbox-cli', 'warn', 'stderr');
  const database = await provisionDatabase(config, logger);
  const db = createDb({ connectionString: database.url, max: 2, applicationName: 'outbox-cli', logger });
  try {
    return await work(db);
  } finally {
    await db.destroy();
    await database.stop();
  }
}
