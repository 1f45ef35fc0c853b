import { beforeEach, describe, expect, it } from '@jest/globals';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, UNREACHABLE_ENDPOINT } from '../../test/support/relay-harness.js';
import { useCliTestBed } from '../../test/support/run-cli.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { deadLetterRow, type LetterFailure } from '../relay/dead-letters/dead-letter-row.js';
import { discardDeadLetters } from '../relay/dead-letters/discard-dead-letters.js';
import { STREAM_START } from '../relay/streams/checkpoint.js';
import { readStreamBatch } from '../relay/streams/read-stream-batch.js';
import type { StreamEvent } from '../relay/streams/read-stream-batch.js';

const bed = useCliTestBed();
const cli = bed.cli;
const HOUR = 3_600_000;
const STREAM = { subscription: 'billing', partition: 0 };

type Seeded = { a: StreamEvent[]; b: StreamEvent; c: StreamEvent };

const failure = (error: string, statusCode: number, hoursAgo: number): LetterFailure => {
  const at = new Date(Date.now() - hoursAgo * HOUR);
  return { error, statusCode, attempts: 8, firstAttemptAt: at, lastAttemptAt: at };
};

/**
 * "billing" with, as the relay leaves them: order A's OrderPlaced parked (HTTP 422, an hour ago)
 * with its OrderShipped and OrderDelivered held behind it; order B's OrderPlaced parked (HTTP 500,
 * two days ago); order C's OrderShipped parked (HTTP 410, now), its OrderPlaced delivered.
 */
async function seed(): Promise<Seeded> {
  const db = bed.database.db;
  await db.deleteFrom('subscriptions').execute();
  await db.deleteFrom('outbox').execute();
  await subscribe(db, 'billing', UNREACHABLE_ENDPOINT);
  await insertOutboxEvents(db, orderEvents(1, 3));
  await insertOutboxEvents(db, orderEvents(1, 1));
  await insertOutboxEvents(db, orderEvents(1, 2));
  const { events } = await readStreamBatch(db, STREAM_START, ORDER_EVENT_TYPES, 10);
  const [a1, a2, a3, b, , c] = events as [
    StreamEvent,
    StreamEvent,
    StreamEvent,
    StreamEvent,
    StreamEvent,
    StreamEvent,
  ];
  await db
    .insertInto('dead_letters')
    .values([
      deadLetterRow(STREAM, a1, failure('HTTP 422: unknown SKU', 422, 1), false),
      deadLetterRow(
        STREAM,
        a2,
        failure('held behind an earlier dead letter of the same order', 422, 1),
        true,
      ),
      deadLetterRow(
        STREAM,
        a3,
        failure('held behind an earlier dead letter of the same order', 422, 1),
        true,
      ),
      deadLetterRow(STREAM, b, failure('HTTP 500: Internal Server Error (boom)', 500, 48), false),
      deadLetterRow(STREAM, c, failure('HTTP 410: gone', 410, 0), false),
    ])
    .execute();
  return { a: [a1, a2, a3], b, c };
}

/** The open dead letters: event id -> state. */
async function open(): Promise<Record<string, string>> {
  const rows = await bed.database.db
    .selectFrom('dead_letters')
    .select(['event_id', 'held', 'replay_requested_at'])
    .where('replayed_at', 'is', null)
    .execute();
  return Object.fromEntries(
    rows.map((row) => [
      row.event_id,
      row.replay_requested_at ? 'replay-requested' : row.held ? 'held' : 'parked',
    ]),
  );
}

async function discarded(): Promise<string[]> {
  const rows = await bed.database.db
    .selectFrom('discarded_dead_letters')
    .select('event_id')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.event_id);
}

const ids = (letters: { event: { eventId: string } }[]) => letters.map((letter) => letter.event.eventId);

let seeded: Seeded;
beforeEach(async () => {
  await bed.database.db.deleteFrom('discarded_dead_letters').execute();
  seeded = await seed();
});

describe('outbox dead-letters discard', () => {
  it("discards a parked event, keeps it for audit, and releases its order's held followers to be delivered next", async () => {
    const { a, b, c } = seeded;
    const run = await cli('dead-letters', 'discard', a[0]!.eventId);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Discarded 1 dead letter (kept in discarded_dead_letters):\n  billing  ${a[0]!.eventId}`,
    );
    expect(run.stdout).toContain('Released 2 held events whose parked event was discarded');
    expect(await open()).toEqual({
      [a[1]!.eventId]: 'replay-requested',
      [a[2]!.eventId]: 'replay-requested',
      [b.eventId]: 'parked',
      [c.eventId]: 'parked',
    });
    const listed = await cli('dead-letters', '--discarded');
    expect(listed.stdout).toMatch(
      new RegExp(
        `│ billing\\s+│ 0\\s+│ ${a[0]!.eventId}\\s+│ OrderPlaced .*│ HTTP 422: unknown SKU\\s+│ \\S+Z\\s+│ \\S+@\\S+\\s+│`,
      ),
    );
    const [json] = JSON.parse(
      (await cli('dead-letters', '--discarded', '--json', '--status', '422')).stdout,
    ) as unknown[];
    expect(json).toMatchObject({
      eventId: a[0]!.eventId,
      held: false,
      discardedBy: expect.stringMatching(/@/),
    });
    expect((await cli('dead-letters', '--discarded', '--status', '500')).stdout).toBe(
      'No discarded dead letters.\n',
    );
    const [audit] = await bed.database.db.selectFrom('discarded_dead_letters').selectAll().execute();
    expect(audit).toMatchObject({
      subscription_name: 'billing',
      event_id: a[0]!.eventId,
      event_type: 'OrderPlaced',
      status_code: 422,
      held: false,
      discarded_by: expect.stringMatching(/^.+@.+$/),
      discarded_at: expect.any(Date),
    });
  });

  it('discards a held follower alone: its parked event still holds the rest', async () => {
    const { a, b, c } = seeded;
    expect((await cli('dead-letters', 'discard', a[1]!.eventId)).code).toBe(0);
    expect(await open()).toEqual({
      [a[0]!.eventId]: 'parked',
      [a[2]!.eventId]: 'held',
      [b.eventId]: 'parked',
      [c.eventId]: 'parked',
    });
  });

  it('asks before a bulk discard: without --yes and without a terminal it refuses and changes nothing', async () => {
    const before = await open();
    const refused = await cli(
      'dead-letters',
      'discard',
      '--subscription',
      'billing',
      '--all',
      '--status',
      '500',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'not confirmed: 1 dead letter would be discarded; nothing changed (add --yes',
    );
    expect(await open()).toEqual(before);

    const run = await cli(
      'dead-letters',
      'discard',
      '--subscription',
      'billing',
      '--all',
      '--status',
      '500',
      '--yes',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Discarded 1 dead letter (kept in discarded_dead_letters):\n  billing  ${seeded.b.eventId}\n`,
    );
    expect(await discarded()).toEqual([seeded.b.eventId]);
  });

  it('discards a whole order together with --all --yes (nothing left to release) and reports it as JSON', async () => {
    const { a } = seeded;
    const run = await cli(
      'dead-letters',
      'discard',
      '--subscription',
      'billing',
      '--all',
      '--status',
      '422',
      '--yes',
      '--json',
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      discarded: { eventId: string; held: boolean }[];
      released: unknown[];
    };
    expect(result.discarded.map((row) => row.eventId).sort()).toEqual(a.map((event) => event.eventId).sort());
    expect(result.released).toEqual([]);
    expect(Object.keys(await open())).toEqual(expect.not.arrayContaining(a.map((event) => event.eventId)));
  });

  it('refuses to discard a letter whose replay is under way, and says when nothing matches', async () => {
    const { c } = seeded;
    expect((await cli('replay', c.eventId)).code).toBe(0);
    const run = await cli('dead-letters', 'discard', c.eventId);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refused: the replay of billing ${c.eventId} is under way`);
    expect(await discarded()).toEqual([]);

    const none = await cli(
      'dead-letters',
      'discard',
      '--subscription',
      'billing',
      '--all',
      '--type',
      'OrderCancelled',
      '--yes',
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no dead letter matches');
  });

  it('discards nothing when the selection no longer holds the count that was confirmed', async () => {
    // Five open letters match; the operator confirmed four (one was parked after the prompt)
    const changed = await discardDeadLetters(
      bed.database.db,
      { subscription: 'billing', all: true },
      'test',
      4,
    );
    expect(changed).toEqual({ ok: false, reason: 'selection-changed', confirmed: 4, found: 5 });
    expect(await discarded()).toEqual([]);
  });
});

describe('dead-letter filters', () => {
  const list = async (...filters: string[]) => {
    const run = await cli('dead-letters', '--held', '--json', ...filters);
    expect(run.code).toBe(0);
    return ids(JSON.parse(run.stdout) as { event: { eventId: string } }[]);
  };

  it('select by type, HTTP status, error text (any case) and time, and combine', async () => {
    const { a, b, c } = seeded;
    expect(await list('--type', 'OrderShipped')).toEqual([a[1]!.eventId, c.eventId]);
    expect(await list('--status', '500')).toEqual([b.eventId]);
    expect(await list('--error', 'internal SERVER')).toEqual([b.eventId]);
    expect(await list('--error', '_')).toEqual([]);
    expect(await list('--since', '1d')).toEqual([...a.map((event) => event.eventId), c.eventId]);
    expect(await list('--since', new Date(Date.now() - 72 * HOUR).toISOString())).toHaveLength(5);
    expect(await list('--type', 'OrderShipped', '--status', '410', '--since', '30m')).toEqual([c.eventId]);
    expect((await cli('dead-letters', '--status', '500', '--since', '1d')).stdout).toBe('No dead letters.\n');
  });

  it('refuse a value they cannot read', async () => {
    for (const [flag, value] of [
      ['--type', 'OrderLost'],
      ['--status', '5xx'],
      ['--since', 'yesterday'],
    ] as const) {
      const run = await cli('dead-letters', flag, value);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${flag} must be`);
    }
  });

  it('select what replay marks (the whole order of each match comes along)', async () => {
    const { a, b } = seeded;
    const run = await cli(
      'replay',
      '--subscription',
      'billing',
      '--all',
      '--error',
      'boom',
      '--json',
      '--force',
    );
    expect(run.code).toBe(0);
    const { marked } = JSON.parse(run.stdout) as { marked: { eventId: string }[] };
    expect(marked.map((row) => row.eventId)).toEqual([b.eventId]);

    const byType = await cli(
      'replay',
      '--subscription',
      'billing',
      '--all',
      '--type',
      'OrderPlaced',
      '--status',
      '422',
      '--json',
    );
    expect(byType.code).toBe(0);
    const order = JSON.parse(byType.stdout) as { marked: { eventId: string }[] };
    expect(order.marked.map((row) => row.eventId)).toEqual(a.map((event) => event.eventId));
  });
});
