import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  createEmptyTestDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../../support/test-database.js';
import { waitFor } from '../../support/wait-for.js';
import { openIdleTransaction } from './idle-transaction.js';

let system: TestDatabase;
let other: { url: string; destroy(): Promise<void> };
let observer: pg.Client;

beforeAll(async () => {
  system = await createTestDatabase({ poolMax: 1 });
  other = await createEmptyTestDatabase();
  observer = new pg.Client({ connectionString: system.url });
  await observer.connect();
});

afterAll(async () => {
  await observer?.end();
  await other?.destroy();
  await system?.destroy();
});

type Session = { state: string; backend_xid: string | null; datname: string };

async function session(pid: number): Promise<Session | undefined> {
  const { rows } = await observer.query<Session>(
    'select state, backend_xid::text, datname from pg_stat_activity where pid = $1',
    [pid],
  );
  return rows[0];
}

describe('an idle transaction in another database', () => {
  it('stays idle in transaction with the xid of its write until ended, then its session is gone', async () => {
    const idle = await openIdleTransaction(other.url);
    try {
      expect(idle.xid).toMatch(/^\d+$/);
      expect(await session(idle.pid)).toEqual({
        state: 'idle in transaction',
        backend_xid: idle.xid,
        datname: new URL(other.url).pathname.slice(1),
      });
      // Seen from the system's own database, it holds the snapshot's xmin back all the same
      const { rows } = await observer.query<{ xmin: string }>(
        'select pg_snapshot_xmin(pg_current_snapshot())::text as xmin',
      );
      expect(BigInt(rows[0]!.xmin)).toBeLessThanOrEqual(BigInt(idle.xid));
    } finally {
      await idle.end();
    }
    await waitFor('the session to be gone', async () => (await session(idle.pid)) === undefined);
  });
});
