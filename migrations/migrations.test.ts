import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { createDb } from '../services/common/db/create-db.js';
import {
  coreMigrationSet,
  migrateAllToLatest,
  migrateDown,
  migrateToLatest,
} from '../services/common/db/migrate.js';
import { createEmptyTestDatabase } from '../test/support/test-database.js';
import { coreMigrations, migrationSets, subscriberMigrations } from './index.js';
import { DEFAULT_SUBSCRIBERS } from '../services/common/events/default-subscribers.js';

let empty: { url: string; destroy(): Promise<void> };
let db: Kysely<unknown>;

beforeAll(async () => {
  empty = await createEmptyTestDatabase();
  db = createDb({ connectionString: empty.url, max: 2 });
});

afterAll(async () => {
  await db.destroy();
  await empty.destroy();
});

function migrationFiles(folder: string): string[] {
  return readdirSync(new URL(folder, import.meta.url))
    .filter((file) => /^\d{8}T\d{6}_.+\.ts$/.test(file) && !file.endsWith('.test.ts'))
    .map((file) => file.replace(/\.ts$/, ''))
    .sort();
}

async function tableNames(): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(
    db,
  );
  return rows.map((row) => row.table_name).filter((name) => !name.startsWith('kysely_'));
}

describe('migrations', () => {
  it('lists every migration file of the folder in the index', () => {
    expect(Object.keys(coreMigrations).sort()).toEqual(migrationFiles('.'));
  });

  it.each(DEFAULT_SUBSCRIBERS.map((subscriber) => subscriber.name))(
    "lists every migration file of the %s subscriber's folder and of the shared folder in its set, applied in its own schema",
    (service) => {
      expect(Object.keys(subscriberMigrations[service]).sort()).toEqual(
        [...migrationFiles(`./${service}/`), ...migrationFiles('./shared/')].sort(),
      );
      expect(migrationSets.find((set) => set.name === service)?.schema).toBe(service);
    },
  );

  it('run up, all the way down, and up again on a real database', async () => {
    const applied = await migrateAllToLatest(db);
    expect(applied.core).toEqual(Object.keys(coreMigrations));
    expect(await tableNames()).toEqual(expect.arrayContaining(['orders', 'outbox']));

    for (let remaining = Object.keys(coreMigrations).length; remaining > 0; remaining--) {
      expect(await migrateDown(db, coreMigrationSet)).toHaveLength(1);
    }
    expect(await tableNames()).toEqual([]);

    expect(await migrateToLatest(db, coreMigrationSet)).toEqual(Object.keys(coreMigrations));
    expect(await migrateToLatest(db, coreMigrationSet)).toEqual([]);
    for (const set of migrationSets) await migrateToLatest(db, set);
  });

  it.each(DEFAULT_SUBSCRIBERS.map((subscriber) => subscriber.name))(
    'revert and re-apply the %s set inside its own schema, leaving public alone',
    async (service) => {
      const set = migrationSets.find((candidate) => candidate.name === service)!;
      await migrateToLatest(db, set);
      const inSchema = async () =>
        (
          await sql<{ table_name: string }>`
            select table_name from information_schema.tables
            where table_schema = ${service} and table_name <> all(array['kysely_migration', 'kysely_migration_lock'])
          `.execute(db)
        ).rows.map((row) => row.table_name);
      expect(await inSchema()).toContain('inbox');
      for (let remaining = Object.keys(set.migrations).length; remaining > 0; remaining--) {
        expect(await migrateDown(db, set)).toHaveLength(1);
      }
      expect(await inSchema()).toEqual([]);
      expect(await migrateToLatest(db, set)).toEqual(Object.keys(set.migrations));
      expect(await tableNames()).toEqual(expect.arrayContaining(['orders', 'outbox']));
    },
  );

  it('apply every set on a database where a subscriber applied its own set first', async () => {
    // A subscriber started alone on a fresh database migrates only its set; `npm start` comes later.
    const fresh = await createEmptyTestDatabase();
    const freshDb = createDb({ connectionString: fresh.url, max: 1 });
    try {
      const email = migrationSets.find((set) => set.name === 'email')!;
      expect(await migrateToLatest(freshDb, email)).toEqual(Object.keys(email.migrations));
      const applied = await migrateAllToLatest(freshDb);
      expect(applied.core).toEqual(Object.keys(coreMigrations));
      expect(applied.email).toEqual([]);
    } finally {
      await freshDb.destroy();
      await fresh.destroy();
    }
  });

  it('give the outbox its columns, types and defaults', async () => {
    const { rows } = await sql<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      is_identity: string;
    }>`
      select column_name, data_type, is_nullable, is_identity from information_schema.columns
      where table_name = 'outbox' order by ordinal_position`.execute(db);
    expect(rows.map((row) => [row.column_name, row.data_type, row.is_nullable])).toEqual([
      ['position', 'bigint', 'NO'],
      ['event_id', 'uuid', 'NO'],
      ['tx_id', 'xid8', 'NO'],
      ['aggregate_type', 'text', 'NO'],
      ['aggregate_id', 'uuid', 'NO'],
      ['aggregate_version', 'integer', 'NO'],
      ['event_type', 'text', 'NO'],
      ['payload', 'jsonb', 'NO'],
      ['metadata', 'jsonb', 'NO'],
      ['occurred_at', 'timestamp with time zone', 'NO'],
      // outbox_partition_key(aggregate_id), stored: see the partition_streams migration
      ['partition_key', 'bigint', 'NO'],
    ]);
    expect(rows.find((row) => row.column_name === 'position')?.is_identity).toBe('YES');
  });

  it('index the outbox by (tx_id, position) and (aggregate_id, position), with unique event ids', async () => {
    const { rows } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where tablename = 'outbox'`.execute(db);
    const definitions = rows.map((row) => row.indexdef);
    expect(definitions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\(tx_id, "position"\)/),
        expect.stringMatching(/\(aggregate_id, "position"\)/),
        expect.stringMatching(/UNIQUE INDEX .* \(event_id\)/),
      ]),
    );
  });

  it('stamp each outbox row with the id of the transaction that wrote it', async () => {
    const row = await sql<{ same: boolean }>`
      with inserted as (
        insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
        values (gen_random_uuid(), 'Order', gen_random_uuid(), 1, 'OrderPlaced', '{}', now())
        returning tx_id
      ) select tx_id = pg_current_xact_id() as same from inserted`.execute(db);
    expect(row.rows[0]?.same).toBe(true);
  });

  it('keep an existing stream as partition 0 of its subscription on upgrade: checkpoint, lease, retry state and dead letters', async () => {
    // Given a database migrated up to just before partitioned streams, with a stream part way through
    await migrateToLatest(db, coreMigrationSet);
    for (;;) {
      const [reverted] = await migrateDown(db, coreMigrationSet);
      if (!reverted || reverted === '20261130T100000_partition_streams') break;
    }
    await sql`insert into subscriptions (name, endpoint_url, event_types, secret)
              values ('legacy', 'http://127.0.0.1:9/events', array['OrderPlaced'], 'whsec_x')`.execute(db);
    await sql`insert into relay_streams (subscription_name, checkpoint_tx_id, checkpoint_position, failed_attempts, lease_owner)
              values ('legacy', '4242'::xid8, 17, 3, 'relay-old')`.execute(db);
    await sql`insert into dead_letters (subscription_name, event_id, position, tx_id, aggregate_type, aggregate_id,
                aggregate_version, event_type, payload, metadata, occurred_at, error, attempts,
                first_attempt_at, last_attempt_at, parked_at)
              values ('legacy', gen_random_uuid(), 12, '4240'::xid8, 'Order', gen_random_uuid(), 2,
                'OrderPlaced', '{}', '{}', now(), 'HTTP 422', 8, now(), now(), now())`.execute(db);
    await sql`insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
              values (gen_random_uuid(), 'Order', '6f1c2a9e-4b7d-4c3e-9a51-2d8e0f7b1c44', 2, 'OrderPlaced', '{}', now())`.execute(
      db,
    );

    // When the migrations run to the latest
    await migrateToLatest(db, coreMigrationSet);

    // Then the stream is partition 0 of a one-partition subscription, where it was
    const { rows: streams } = await sql<Record<string, unknown>>`
      select s.partitions, r.partition, r.checkpoint_tx_id::text as tx_id, r.checkpoint_position::text as position,
             r.failed_attempts, r.lease_owner
      from relay_streams r join subscriptions s on s.name = r.subscription_name`.execute(db);
    expect(streams).toEqual([
      {
        partitions: 1,
        partition: 0,
        tx_id: '4242',
        position: '17',
        failed_attempts: 3,
        lease_owner: 'relay-old',
      },
    ]);
    const { rows: letters } = await sql<{ partition: number }>`select partition from dead_letters`.execute(
      db,
    );
    expect(letters).toEqual([{ partition: 0 }]);
    // And the events already stored got their partition key
    const { rows: keys } = await sql<{ key: string }>`select partition_key::text as key from outbox
      where aggregate_id = '6f1c2a9e-4b7d-4c3e-9a51-2d8e0f7b1c44'`.execute(db);
    expect(keys).toEqual([{ key: '1436863922' }]);
    await sql`delete from subscriptions`.execute(db);
  });
});
