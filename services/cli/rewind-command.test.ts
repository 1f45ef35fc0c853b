import { beforeEach, describe, expect, it } from '@jest/globals';
import { subscribe, UNREACHABLE_ENDPOINT } from '../../test/support/relay-harness.js';
import { sql } from 'kysely';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { openOutboxTransaction } from '../../test/support/open-outbox-transaction.js';
import { useCliTestBed } from '../../test/support/run-cli.js';
import type { Checkpoint } from '../relay/streams/checkpoint.js';
import { movedCheckpoint } from '../relay/streams/moved-checkpoint.js';
import { readStreamBatch } from '../relay/streams/read-stream-batch.js';

const DAY_MS = 86_400_000;

const bed = useCliTestBed();
const cli = bed.cli;

beforeEach(async () => {
  await bed.database.db.deleteFrom('outbox').execute();
  await bed.database.db.deleteFrom('subscriptions').execute();
  await subscribe(bed.database.db, 'audit', UNREACHABLE_ENDPOINT, ['OrderPlaced']);
});

/** Every committed outbox row, in stream order, as the checkpoint just after it. */
async function committedEvents(): Promise<Checkpoint[]> {
  const { rows } = await sql<{ tx_id: string; position: string }>`
    select tx_id::text as tx_id, position::text as position from outbox
    order by outbox.tx_id, outbox.position`.execute(bed.database.db);
  return rows.map((row) => ({ txId: row.tx_id, position: row.position }));
}

const justBefore = (event: Checkpoint): Checkpoint => ({
  txId: event.txId,
  position: String(BigInt(event.position) - 1n),
});

async function checkpoint(): Promise<Checkpoint> {
  const row = await bed.database.db
    .selectFrom('relay_streams')
    .select([sql<string>`checkpoint_tx_id::text`.as('tx_id'), 'checkpoint_position'])
    .where('subscription_name', '=', 'audit')
    .executeTakeFirstOrThrow();
  return { txId: row.tx_id, position: String(row.checkpoint_position) };
}

/** Where the relay would have put the checkpoint after delivering up to `to`. */
async function setCheckpoint(to: Checkpoint): Promise<void> {
  await bed.database.db
    .updateTable('relay_streams')
    .set(movedCheckpoint(to, null))
    .where('subscription_name', '=', 'audit')
    .execute();
}

describe('outbox rewind', () => {
  it('moves a checkpoint back, clearing the retry state, and accepts the point it is already at', async () => {
    await insertOutboxEvents(bed.database.db, orderEvents(4, 1));
    const events = await committedEvents();
    await setCheckpoint(events[3]!);
    await bed.database.db.updateTable('relay_streams').set({ failed_attempts: 3 }).execute();

    const rewound = await cli('rewind', 'audit', '--to', events[1]!.position);

    expect(rewound.code).toBe(0);
    expect(rewound.stdout).toContain(`Rewound "audit" to ${justBefore(events[1]!).position}@tx`);
    expect(await checkpoint()).toEqual(justBefore(events[1]!));
    const stream = await bed.database.db.selectFrom('relay_streams').selectAll().executeTakeFirstOrThrow();
    expect(stream.failed_attempts).toBe(0);
    expect((await cli('rewind', 'audit', '--to', events[1]!.position)).code).toBe(0);
    expect(await checkpoint()).toEqual(justBefore(events[1]!));
  });

  it('prints what it did as JSON with --json', async () => {
    await insertOutboxEvents(bed.database.db, orderEvents(3, 1));
    const events = await committedEvents();
    await setCheckpoint(events[2]!);

    const run = await cli('rewind', 'audit', '--to', events[1]!.position, '--json');

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      subscription: 'audit',
      checkpoint: justBefore(events[1]!),
      rewound: [0],
      alreadyBefore: [],
      events: 2,
      beyondDedupeWindow: 0,
      dedupeWindowMs: 7 * DAY_MS,
    });
  });

  it('refuses to move a checkpoint forward, by position or by time, and leaves it where it was', async () => {
    await insertOutboxEvents(bed.database.db, orderEvents(2, 1), new Date(Date.now() - 3_600_000));
    await insertOutboxEvents(bed.database.db, orderEvents(2, 1));
    const events = await committedEvents();
    await setCheckpoint(events[0]!);

    const byPosition = await cli('rewind', 'audit', '--to', events[3]!.position);
    expect(byPosition.code).toBe(1);
    expect(byPosition.stderr).toContain('would move the checkpoint forward past 2 undelivered events');
    expect(byPosition.stderr).not.toContain('still open');

    const byTime = await cli('rewind', 'audit', '--to', new Date(Date.now() - 60_000).toISOString());
    expect(byTime.code).toBe(1);
    expect(byTime.stderr).toContain('would move the checkpoint forward past 1 undelivered event');
    expect(await checkpoint()).toEqual(events[0]);
  });

  it('refuses a point behind which a transaction is still open, and rewinds to one before it', async () => {
    // Given A committed and delivered, then a transaction T that took the next position and is still
    // open, then B committed after T began (so B's transaction id is above T's)
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
    const [first] = orderEvents(1, 1);
    const open = await openOutboxTransaction(bed.database.url, first!);
    try {
      await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
      const [a, b] = await committedEvents();
      await setCheckpoint(a!);

      // Rewinding "to" just after T's position lands on B's transaction: T would commit behind it
      const pastT = await cli('rewind', 'audit', '--to', String(BigInt(open.position) + 1n));
      expect(pastT.code).toBe(1);
      expect(pastT.stderr).toContain(
        `a transaction still open (pid ${open.pid}) could commit events behind that point`,
      );
      expect(await checkpoint()).toEqual(a);

      // Even from a checkpoint already past B (moved there by hand), going back to just before B is
      // refused: T's event would still land behind it
      await setCheckpoint(b!);
      const toB = await cli('rewind', 'audit', '--to', b!.position);
      expect(toB.code).toBe(1);
      expect(toB.stderr).toContain(`a transaction still open (pid ${open.pid})`);
      expect(toB.stderr).not.toContain('forward');
      expect(await checkpoint()).toEqual(b);

      // Before T's transaction, nothing can land behind the checkpoint
      const toA = await cli('rewind', 'audit', '--to', a!.position);
      expect(toA.code).toBe(0);
      expect(await checkpoint()).toEqual(justBefore(a!));

      // When T commits, its event is read after A, not lost
      await open.commit();
      const batch = await readStreamBatch(bed.database.db, justBefore(a!), ['OrderPlaced'], 10);
      expect(batch.events.map((event) => event.position)).toEqual([a!.position, open.position, b!.position]);
    } finally {
      await open.rollback().catch(() => {});
    }
  });

  it("refuses to deliver again events older than the subscription's dedupe window, unless --force", async () => {
    await insertOutboxEvents(bed.database.db, orderEvents(2, 1), new Date(Date.now() - 8 * DAY_MS));
    await insertOutboxEvents(bed.database.db, orderEvents(2, 1));
    const events = await committedEvents();
    await setCheckpoint(events[3]!);

    const refused = await cli('rewind', 'audit', '--to', events[0]!.position);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('2 of the 4 events it would deliver again occurred more than 7d ago');
    expect(refused.stderr).toContain('may have forgotten');
    expect(refused.stderr).toContain('--force');
    expect(await checkpoint()).toEqual(events[3]);

    // Within the window: no question asked
    expect((await cli('rewind', 'audit', '--to', events[2]!.position)).code).toBe(0);
    expect(await checkpoint()).toEqual(justBefore(events[2]!));

    const forced = await cli('rewind', 'audit', '--to', events[0]!.position, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(
      '--force: 2 events older than the dedupe window (7d) are delivered again',
    );
    expect(await checkpoint()).toEqual(justBefore(events[0]!));

    // A subscription whose subscriber remembers longer takes the same rewind without --force
    await setCheckpoint(events[3]!);
    await bed.database.db
      .updateTable('subscriptions')
      .set({ dedupe_window_ms: 30 * DAY_MS })
      .execute();
    expect((await cli('rewind', 'audit', '--to', events[0]!.position)).code).toBe(0);
  });
});
