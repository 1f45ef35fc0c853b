import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createEmptyTestDatabase } from '../../test/support/test-database.js';
import { DEFAULT_SUBSCRIBERS } from '../common/events/default-subscribers.js';
import { createLogger } from '../common/logger.js';
import { databaseNameOf, dropDatabase, withDatabaseName } from '../common/postgres/database-admin.js';
import { prepareDatabases } from './prepare-databases.js';

let main: { url: string; destroy(): Promise<void> };

beforeAll(async () => {
  main = await createEmptyTestDatabase();
});

afterAll(async () => {
  for (const { name } of DEFAULT_SUBSCRIBERS)
    await dropDatabase(process.env.TEST_PG_ADMIN_URL!, `${databaseNameOf(main.url)}_${name}`);
  await main.destroy();
});

async function tablesIn(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select table_schema || '.' || table_name as name from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') and table_name <> 'kysely_migration'
          and table_name <> 'kysely_migration_lock'`,
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('npm start’s databases', () => {
  it('are the main one with the core schema, and one per subscriber with its own, handed to the services', async () => {
    const { database, env } = await prepareDatabases(
      { databaseUrl: main.url, dataDir: '.data-unused', embeddedPostgresPort: 0 },
      {},
      createLogger('test', 'silent'),
    );

    expect(database.url).toBe(main.url);
    const mainName = databaseNameOf(main.url);
    expect(env).toEqual({
      DATABASE_URL: main.url,
      ...Object.fromEntries(
        DEFAULT_SUBSCRIBERS.map(({ name }) => [
          `${name.toUpperCase()}_DATABASE_URL`,
          withDatabaseName(main.url, `${mainName}_${name}`),
        ]),
      ),
    });
    const mainTables = await tablesIn(main.url);
    expect(mainTables).toEqual(expect.arrayContaining(['public.outbox', 'public.relay_streams']));
    expect(mainTables.filter((table) => !table.startsWith('public.'))).toEqual([]);
    for (const { name } of DEFAULT_SUBSCRIBERS) {
      const tables = await tablesIn(env[`${name.toUpperCase()}_DATABASE_URL`]!);
      expect(tables).toContain(`${name}.inbox`);
      expect(tables).not.toContain('public.outbox');
    }
  });
});
