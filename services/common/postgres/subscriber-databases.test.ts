import { afterEach, describe, expect, it } from '@jest/globals';
import { hasTable } from '../../../test/support/has-table.js';
import { pino } from 'pino';
import { createEmptyTestDatabase } from '../../../test/support/test-database.js';
import { createDb } from '../db/create-db.js';
import { migrateToLatest } from '../db/migrate.js';
import { DEFAULT_SUBSCRIBERS } from '../events/default-subscribers.js';
import { migrationSets } from '../../../migrations/index.js';
import { databaseExists, databaseNameOf, dropDatabase, withDatabaseName } from './database-admin.js';
import { provisionSubscriberDatabases, subscriberDatabaseName } from './subscriber-databases.js';

const adminUrl = () => process.env.TEST_PG_ADMIN_URL!;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An empty main database, and the subscriber databases named after it dropped afterwards. */
async function mainDatabase(): Promise<string> {
  const main = await createEmptyTestDatabase();
  cleanups.push(async () => {
    for (const { name } of DEFAULT_SUBSCRIBERS)
      await dropDatabase(adminUrl(), subscriberDatabaseName(databaseNameOf(main.url), name));
    await main.destroy();
  });
  return main.url;
}

function capture() {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) };
}

describe("the subscribers' databases", () => {
  it('are created next to the main one, each with its own schema, and found again on the next start', async () => {
    const main = await mainDatabase();
    const { logger } = capture();

    const first = await provisionSubscriberDatabases(main, {}, logger);

    expect(first.map(({ subscriber, variable, source }) => ({ subscriber, variable, source }))).toEqual(
      DEFAULT_SUBSCRIBERS.map(({ name }) => ({
        subscriber: name,
        variable: `${name.toUpperCase()}_DATABASE_URL`,
        source: 'own',
      })),
    );
    for (const database of first) {
      expect(database.url).toBe(
        withDatabaseName(main, subscriberDatabaseName(databaseNameOf(main), database.subscriber)),
      );
      expect(database.applied.length).toBeGreaterThan(0);
      expect(await hasTable(database.url, `${database.subscriber}.inbox`)).toBe(true);
      expect(await hasTable(main, `${database.subscriber}.inbox`)).toBe(false);
    }

    const again = await provisionSubscriberDatabases(main, {}, logger);
    expect(again.map((database) => [database.url, database.source, database.applied])).toEqual(
      first.map((database) => [database.url, 'own', []]),
    );
  });

  it('take the URL an operator gave, and create nothing for it', async () => {
    const main = await mainDatabase();
    const given = await createEmptyTestDatabase();
    cleanups.push(() => given.destroy());

    const databases = await provisionSubscriberDatabases(
      main,
      { BILLING_DATABASE_URL: given.url },
      capture().logger,
    );

    expect(databases.find((database) => database.subscriber === 'billing')).toMatchObject({
      url: given.url,
      source: 'given',
    });
    expect(await hasTable(given.url, 'billing.inbox')).toBe(true);
    expect(await databaseExists(adminUrl(), subscriberDatabaseName(databaseNameOf(main), 'billing'))).toBe(
      false,
    );
  });

  it('leave a subscriber whose tables are already in the main database there, and say so', async () => {
    const main = await mainDatabase();
    const inventory = migrationSets.find((set) => set.name === 'inventory');
    if (!inventory) throw new Error('no inventory migration set');
    const db = createDb({ connectionString: main, max: 1 });
    try {
      await migrateToLatest(db, inventory);
    } finally {
      await db.destroy();
    }
    const { lines, logger } = capture();

    const databases = await provisionSubscriberDatabases(main, {}, logger);

    expect(databases.find((database) => database.subscriber === 'inventory')).toMatchObject({
      url: main,
      source: 'shared',
    });
    expect(databases.filter((database) => database.source === 'own')).toHaveLength(3);
    expect(await databaseExists(adminUrl(), subscriberDatabaseName(databaseNameOf(main), 'inventory'))).toBe(
      false,
    );
    const warning = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((entry) => entry.level === 40);
    expect(warning?.msg).toContain("the inventory subscriber's tables are in the main database");
  });
});
