import { randomBytes } from 'node:crypto';
import { createDb } from '../../services/common/db/create-db.js';
import { migrateAllToLatest } from '../../services/common/db/migrate.js';
import { createLogger } from '../../services/common/logger.js';
import { createDatabase, withDatabaseName } from '../../services/common/postgres/database-admin.js';
import { startTestPostgres, type TestPostgres } from './test-database-source.js';

declare global {
  var __testPostgres: TestPostgres | undefined;
}

/**
 * Once per `jest` run: pick the PostgreSQL source, migrate one template database, and publish how to
 * reach both through the environment the test workers inherit. Names carry a run id so that runs
 * sharing one server (TEST_DATABASE_URL) never collide.
 */
export async function setUpTestPostgres(): Promise<void> {
  const logger = createLogger('test-setup', process.env.TEST_LOG_LEVEL ?? 'info');
  const postgres = await startTestPostgres(process.env, logger);
  globalThis.__testPostgres = postgres;

  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = `tpl_${runId}`;
  await createDatabase(postgres.adminUrl, template);
  const db = createDb({ connectionString: withDatabaseName(postgres.adminUrl, template), max: 1 });
  try {
    await migrateAllToLatest(db);
  } finally {
    await db.destroy();
  }

  process.env.TEST_PG_ADMIN_URL = postgres.adminUrl;
  process.env.TEST_PG_TEMPLATE = template;
  process.env.TEST_PG_RUN_ID = runId;
  process.env.TEST_PG_SOURCE = postgres.source;
}
