import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { subscribe, UNREACHABLE_ENDPOINT } from '../../../test/support/relay-harness.js';
import { sql } from 'kysely';
import pg from 'pg';
import { insertOutboxEvents, orderEvents } from '../../../test/support/outbox-events.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { waitFor } from '../../../test/support/wait-for.js';
import type { Checkpoint } from './checkpoint.js';
import { movedCheckpoint } from './moved-checkpoint.js';
import { rewindStream } from './rewind-stream.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.destroy();
});

async function committedEvents(): Promise<Checkpoint[]> {
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text as tx_id, position::text as position from outbox
    order by outbox.tx_id, outbox.position`.execute(database.db);
  return rows.map((row) => ({ txId: row.tx_id, position: row.position }));
}

describe('rewindStream', () => {
  it('judges the move against the checkpoint a relay commits meanwhile, not the one it replaced', async () => {
    // Given a stream at the first of four events
    await subscribe(database.db, 'audit', UNREACHABLE_ENDPOINT, ['OrderPlaced']);
    await insertOutboxEvents(database.db, orderEvents(4, 1));
    const events = await committedEvents();
    await database.db.updateTable('relay_streams').set(movedCheckpoint(events[0]!, null)).execute();

    // And a relay advancing it to the last event, not yet committed
    const relay = new pg.Client({ connectionString: database.url });
    await relay.connect();
    try {
      await relay.query('begin');
      await relay.query(
        `update relay_streams set checkpoint_tx_id = $1::xid8, checkpoint_position = $2
         where subscription_name = 'audit'`,
        [events[3]!.txId, events[3]!.position],
      );

      // When an operator rewinds to the third event: forward from the first, back from the last
      const rewinding = rewindStream(database.db, 'audit', { position: events[2]!.position });
      let settled = false;
      const settle = () => (settled = true);
      void rewinding.then(settle, settle);
      await waitFor('the rewind to wait for the stream row (or to answer without waiting)', async () => {
        if (settled) return true;
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db);
        return rows[0]!.waiting > 0;
      });
      await relay.query('commit');

      // Then it waited for the relay, and moved the checkpoint back from where the relay left it
      const justBeforeThird = { txId: events[2]!.txId, position: String(BigInt(events[2]!.position) - 1n) };
      expect(await rewinding).toMatchObject({ ok: true, checkpoint: justBeforeThird });
    } finally {
      await relay.end();
    }
  });
});
