import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDb } from '../services/common/db/create-db.js';
import { createLogger } from '../services/common/logger.js';
import { treeCpuSeconds } from './cpu.js';
import { endToEndLatency, latencyClock } from './e2e-latency.js';
import { startBenchPostgres, type BenchPostgres } from './postgres.js';
import { seedOutbox } from './seed-outbox.js';

let postgres: BenchPostgres;

beforeAll(async () => {
  // The embedded server the benchmark starts when DATABASE_URL is unset (not durable: a test)
  postgres = await startBenchPostgres({
    databaseUrl: undefined,
    durable: false,
    runId: `t${Date.now().toString(36)}`,
    logger: createLogger('test', 'silent'),
  });
}, 120_000);

afterAll(async () => {
  await postgres?.stop();
});

describe("the benchmark's own PostgreSQL", () => {
  it('reports its version and settings, and the postmaster whose tree is its CPU', () => {
    expect(postgres.source).toBe('embedded');
    expect(postgres.version).toMatch(/^\d+/);
    expect(postgres.settings).toMatchObject({ fsync: 'off', track_commit_timestamp: 'on' });
    if (process.platform === 'linux') expect(treeCpuSeconds(postgres.postmasterPid!)).toBeGreaterThan(0);
  });

  it('hands out fresh migrated databases, and measures latency from commit to commit', async () => {
    const db = createDb({ connectionString: await postgres.freshDatabase('one'), max: 2 });
    try {
      // Given the email inbox written in a later transaction than the outbox rows it records
      await seedOutbox(db, 20);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await sql`insert into email.inbox select event_id, event_type, now() from outbox`.execute(db);

      // Then latency runs from the outbox commit to the inbox commit: at least the 20 ms between them
      expect(await latencyClock(db)).toBe('commit-timestamps');
      const latency = await endToEndLatency(
        db,
        [{ name: 'email', table: 'email.inbox' }],
        { after: '0', upTo: '20' },
        'commit-timestamps',
      );
      expect(latency.count).toBe(20);
      expect(latency.p50).toBeGreaterThanOrEqual(20);
    } finally {
      await db.destroy();
    }
    // And another fresh database starts empty
    const other = createDb({ connectionString: await postgres.freshDatabase('two'), max: 1 });
    try {
      expect(
        await other
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst(),
      ).toEqual({
        n: '0',
      });
    } finally {
      await other.destroy();
    }
  });
});
