import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { hasTable } from '../../test/support/has-table.js';
import { runCli } from '../../test/support/run-cli.js';
import { createEmptyTestDatabase } from '../../test/support/test-database.js';
import { DEFAULT_SUBSCRIBERS } from '../common/events/default-subscribers.js';
import { databaseNameOf, dropDatabase, withDatabaseName } from '../common/postgres/database-admin.js';

// Each run is a real process (seconds each on a busy machine).
jest.setTimeout(120_000);

let main: { url: string; destroy(): Promise<void> };
const ownDatabase = (subscriber: string) => `${databaseNameOf(main.url)}_${subscriber}`;

beforeAll(async () => {
  main = await createEmptyTestDatabase();
});

afterAll(async () => {
  for (const { name } of DEFAULT_SUBSCRIBERS)
    await dropDatabase(process.env.TEST_PG_ADMIN_URL!, ownDatabase(name));
  await main.destroy();
});

describe('outbox migrate', () => {
  it("puts the core schema in the main database and each subscriber's in a database of its own", async () => {
    const run = await runCli(main.url, ['migrate']);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^core: applied 20261127T100000_create_orders, /m);
    for (const { name } of DEFAULT_SUBSCRIBERS) {
      expect(run.stdout).toMatch(new RegExp(`^${name} \\(database ${ownDatabase(name)}\\): applied `, 'm'));
      expect(await hasTable(withDatabaseName(main.url, ownDatabase(name)), `${name}.inbox`)).toBe(true);
      expect(await hasTable(main.url, `${name}.inbox`)).toBe(false);
    }
    expect(await hasTable(main.url, 'public.outbox')).toBe(true);

    const again = await runCli(main.url, ['migrate']);
    expect(again.stdout).toContain('core: up to date');
    expect(again.stdout).toContain(`email (database ${ownDatabase('email')}): up to date`);
  });

  it("reverts a subscriber's latest migration in its own database", async () => {
    const run = await runCli(main.url, ['migrate', 'down', '--set', 'billing']);

    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('billing: reverted 20261130T100000_create_partition_leases');
    const billingDatabase = withDatabaseName(main.url, ownDatabase('billing'));
    expect(await hasTable(billingDatabase, 'billing.partition_leases')).toBe(false);
    expect(await hasTable(billingDatabase, 'billing.inbox')).toBe(true);
  });

  it('prints the migrations applied and reverted per set as JSON with --json', async () => {
    const up = await runCli(main.url, ['migrate', '--json']);
    expect(up.code).toBe(0);
    const applied = JSON.parse(up.stdout) as {
      direction: string;
      sets: { set: string; applied: string[] }[];
    };
    expect(applied.direction).toBe('up');
    expect(applied.sets).toEqual(
      expect.arrayContaining([
        { set: 'core', database: databaseNameOf(main.url), applied: [] },
        {
          set: 'billing',
          database: ownDatabase('billing'),
          applied: ['20261130T100000_create_partition_leases'],
        },
      ]),
    );
    expect(applied.sets).toHaveLength(1 + DEFAULT_SUBSCRIBERS.length);

    const down = await runCli(main.url, ['migrate', 'down', '--set', 'billing', '--json']);
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toEqual({
      direction: 'down',
      set: 'billing',
      reverted: ['20261130T100000_create_partition_leases'],
    });
  });
});
