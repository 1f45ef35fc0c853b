import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { createDb } from '../../common/db/create-db.js';
import type { DB } from '../../common/db/database.js';
import type { Checkpoint } from './checkpoint.js';
import { inPartition } from './partition.js';
import { readStreamBatch } from './read-stream-batch.js';

/**
 * The relay's stream queries are prepared statements, and PostgreSQL runs a prepared statement with
 * a generic plan (blind to the parameter values) once that looks no worse than the custom ones. For
 * `EXISTS (… WHERE (tx_id, position) > ($1, $2))` the generic plan was a sequential scan of the whole
 * outbox. Here every generic plan is forced, and the outbox's sequential-scan counter must not move.
 */
let database: TestDatabase;
let db: Kysely<DB>;
let end: Checkpoint;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
  await sql`
    insert into outbox (event_id, aggregate_type, aggregate_id, aggregate_version, event_type, payload, occurred_at)
    select gen_random_uuid(), 'Order', gen_random_uuid(), 2,
           (array['OrderPlaced', 'OrderShipped', 'OrderDelivered'])[1 + g % 3], '{}', now()
    from generate_series(1, 20000) as g`.execute(database.db);
  await sql`analyze outbox`.execute(database.db);
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text, position from outbox order by tx_id desc, position desc limit 1`.execute(database.db);
  end = { txId: rows[0]!.tx_id, position: String(rows[0]!.position) };
  // One connection, told to plan every prepared statement generically.
  db = createDb({ connectionString: database.url, max: 1 });
  await sql`set plan_cache_mode = force_generic_plan`.execute(db);
});

afterAll(async () => {
  await db.destroy();
  await database.destroy();
});

/** Sequential scans of the outbox so far, counting this session's own once they are flushed. */
async function outboxSeqScans(): Promise<number> {
  await sql`select pg_stat_force_next_flush()`.execute(db);
  await sql`select pg_stat_clear_snapshot()`.execute(database.db);
  const { rows } = await sql<{ seq_scan: string }>`
    select seq_scan from pg_stat_user_tables where relname = 'outbox'`.execute(database.db);
  return Number(rows[0]?.seq_scan ?? 0);
}

describe('the stream queries under generic plans', () => {
  it('notices a sequential scan when there is one (the EXISTS form the fence check once had)', async () => {
    const before = await outboxSeqScans();
    for (let run = 0; run < 3; run++) {
      await sql`/* prepared */ select exists (
        select 1 from outbox where (tx_id, position) > (${end.txId}::xid8, ${end.position}::bigint)) as behind`.execute(
        db,
      );
    }
    expect((await outboxSeqScans()) - before).toBeGreaterThan(0);
  });

  it('reads a stream and checks the fence on the index, at the end of the outbox and in its middle', async () => {
    const middle = { txId: end.txId, position: String(BigInt(end.position) - 10_000n) };
    const before = await outboxSeqScans();
    for (const checkpoint of [end, middle, end]) {
      const batch = await readStreamBatch(db, checkpoint, ['OrderShipped'], 100);
      expect(batch.events.length).toBe(checkpoint === end ? 0 : 100);
      // Nothing is running: every row after the checkpoint is behind the fence, none hidden.
      expect(batch.hiddenByFence).toBe(false);
    }
    expect((await outboxSeqScans()) - before).toBe(0);
  });

  it('reads one partition of a stream on the index too, in order, the partition a filter on the rows walked', async () => {
    const middle = { txId: end.txId, position: String(BigInt(end.position) - 10_000n) };
    const before = await outboxSeqScans();
    for (const checkpoint of [end, middle, end]) {
      const batch = await readStreamBatch(db, checkpoint, ['OrderShipped'], 100, {
        partition: 3,
        partitions: 8,
      });
      expect(batch.events.length).toBe(checkpoint === end ? 0 : 100);
    }
    expect((await outboxSeqScans()) - before).toBe(0);

    // The plan PostgreSQL chose (generic, as the relay's prepared read runs): an ordered Index Scan
    // of (tx_id, position) with the partition and the types as a Filter; no Sort, no Bitmap scan.
    await sql`prepare partition_read(xid8, bigint, text[], int, int, int) as
      select * from outbox
      where (tx_id, position) > ($1, $2) and tx_id < outbox_fence() and event_type = any($3)
        and ${inPartition(sql.ref('partition_key'), sql`$4`, sql`$5`)}
      order by tx_id, position limit $6`.execute(db);
    const { rows } = await sql<{ 'QUERY PLAN': string }>`
      explain execute partition_read(${sql.lit(middle.txId)}, ${sql.lit(middle.position)},
                                     array['OrderShipped'], 8, 3, 100)`.execute(db);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using outbox_tx_id_position_idx on outbox/);
    expect(plan).toMatch(/Filter: .*mod\(partition_key/);
    expect(plan).not.toMatch(/Seq Scan|Sort|Bitmap/);
  });
});
