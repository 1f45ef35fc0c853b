/**
 * `npm run db:codegen [-- --verify]`: migrates a scratch database and generates the Kysely types
 * from it into services/common/db/database.ts. With --verify it fails when the committed file
 * differs (CI's drift check). The scratch database is DATABASE_URL's server (a throwaway database
 * next to it) or, without DATABASE_URL, an ephemeral embedded PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createDb } from '../services/common/db/create-db.js';
import { migrateAllToLatest } from '../services/common/db/migrate.js';
import { createLogger } from '../services/common/logger.js';
import {
  createDatabase,
  dropDatabase,
  withDatabaseName,
} from '../services/common/postgres/database-admin.js';
import { startEphemeralPostgres } from '../services/common/postgres/embedded-postgres.js';

const OUT_FILE = 'services/common/db/database.ts';
const verify = process.argv.includes('--verify');
const logger = createLogger('db-codegen', process.env.LOG_LEVEL ?? 'info');

const server = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEphemeralPostgres(logger);
const scratch = `codegen_${randomUUID().replaceAll('-', '')}`;
try {
  await createDatabase(server.url, scratch);
  const url = withDatabaseName(server.url, scratch);
  const db = createDb({ connectionString: url, max: 1 });
  try {
    await migrateAllToLatest(db);
  } finally {
    await db.destroy();
  }
  execFileSync(
    'npx',
    [
      'kysely-codegen',
      '--dialect=postgres',
      `--url=${url}`,
      `--out-file=${OUT_FILE}`,
      '--exclude-pattern=*.kysely_migration*',
      ...(verify ? ['--verify'] : []),
    ],
    { stdio: 'inherit' },
  );
} finally {
  await dropDatabase(server.url, scratch);
  await server.stop();
}
