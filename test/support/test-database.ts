import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createDb } from '../../services/common/db/create-db.js';
import type { DB } from '../../services/common/db/database.js';
import {
  createDatabase,
  dropDatabase,
  withDatabaseName,
} from '../../services/common/postgres/database-admin.js';

export type TestDatabase = {
  name: string;
  url: string;
  db: Kysely<DB>;
  /** Closes the pool and drops the database. */
  destroy(): Promise<void>;
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (its globalSetup sets it).`);
  return value;
}

/** A fresh, fully migrated database copied from the run's template: one per spec file. */
export async function createTestDatabase(options: { poolMax?: number } = {}): Promise<TestDatabase> {
  const adminUrl = required('TEST_PG_ADMIN_URL');
  const name = `t_${required('TEST_PG_RUN_ID')}_${randomBytes(4).toString('hex')}`;
  await createDatabase(adminUrl, name, required('TEST_PG_TEMPLATE'));
  const url = withDatabaseName(adminUrl, name);
  const db = createDb({ connectionString: url, max: options.poolMax ?? 10 });
  return {
    name,
    url,
    db,
    destroy: async () => {
      await db.destroy();
      await dropDatabase(adminUrl, name);
    },
  };
}

/** An empty database (no migrations), for tests of the migrations themselves. */
export async function createEmptyTestDatabase(): Promise<{ url: string; destroy(): Promise<void> }> {
  const adminUrl = required('TEST_PG_ADMIN_URL');
  const name = `t_${required('TEST_PG_RUN_ID')}_${randomBytes(4).toString('hex')}`;
  await createDatabase(adminUrl, name);
  return { url: withDatabaseName(adminUrl, name), destroy: () => dropDatabase(adminUrl, name) };
}
