import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { useCliTestBed } from '../../test/support/run-cli.js';
import { isWebhookSecret } from '../common/events/webhook-signature.js';
import { holdEvents } from '../relay/dead-letters/hold-events.js';
import { parkEvent } from '../relay/dead-letters/park-event.js';
import { readStreamBatch } from '../relay/streams/read-stream-batch.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';
import { STREAM_START } from '../relay/streams/checkpoint.js';

const bed = useCliTestBed();
const cli = bed.cli;

async function subscriptionRows() {
  return bed.database.db.selectFrom('subscriptions').selectAll().orderBy('name').execute();
}

describe('outbox subscriptions', () => {
  it('adds a subscription and prints the secret it generated', async () => {
    const run = await cli(
      'subscriptions',
      'add',
      'audit',
      'https://audit.example/events',
      '--events',
      'OrderPlaced,OrderCancelled',
    );
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('Added subscription "audit" -> https://audit.example/events');
    const secret = /Signing secret[^:]*: (\S+)/.exec(run.stdout)?.[1];
    expect(secret && isWebhookSecret(secret)).toBe(true);
    const [row] = await subscriptionRows();
    expect(row).toMatchObject({
      name: 'audit',
      secret,
      event_types: ['OrderPlaced', 'OrderCancelled'],
      enabled: true,
    });
  });

  it('refuses bad input with a message naming each problem, and writes nothing', async () => {
    const run = await cli(
      'subscriptions',
      'add',
      'Bad Name',
      'ftp://x',
      '--events',
      'OrderPlaced,Nope',
      '--secret',
      'hunter2',
      '--dedupe-window',
      'a week',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/name: must be/);
    expect(run.stderr).toMatch(/url: must be an http/);
    expect(run.stderr).toMatch(/--events: unknown event type "Nope"/);
    expect(run.stderr).toMatch(/--secret: must be a Standard Webhooks secret/);
    expect(run.stderr).toMatch(/--dedupe-window: must be a duration such as 30m, 24h or 7d/);
    const duplicate = await cli(
      'subscriptions',
      'add',
      'audit',
      'http://127.0.0.1:1/e',
      '--events',
      'OrderPlaced',
    );
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    expect((await subscriptionRows()).map((row) => row.name)).toEqual(['audit']);
  });

  it('adds a NATS subscription without printing a secret, and never prints the password of its URL', async () => {
    const url = 'nats://relay:s3cret@127.0.0.1:4222/orders?stream=ORDER_EVENTS&duplicate-window=5m';
    const run = await cli('subscriptions', 'add', 'stream', url, '--events', 'OrderPlaced');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('No signing secret needed');
    expect(run.stdout).not.toContain('s3cret');
    expect(run.stdout).not.toContain('Signing secret');
    const row = (await subscriptionRows()).find((candidate) => candidate.name === 'stream');
    expect(row).toMatchObject({ endpoint_url: url });
    const listed = await cli('subscriptions', 'list', '--json');
    expect(listed.stdout).toContain('nats://relay:***@127.0.0.1:4222/orders');
    expect(listed.stdout).not.toContain('s3cret');
    await bed.database.db.deleteFrom('subscriptions').where('name', '=', 'stream').execute();
  });

  it('adds the same subscription again as a repeat that changes nothing, and refuses other settings under its name', async () => {
    const url = 'nats://relay:s3cret@127.0.0.1:4222/orders?stream=ORDER_EVENTS';
    const add = (...extra: string[]) =>
      cli(
        'subscriptions',
        'add',
        'fanout',
        url,
        '--events',
        'OrderPlaced,OrderShipped',
        '--partitions',
        '4',
        ...extra,
      );
    expect((await add()).code).toBe(0);
    const before = await bed.database.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('name', '=', 'fanout')
      .execute();

    // The events in another order and a --from are still the same settings
    const repeat = await cli(
      'subscriptions',
      'add',
      'fanout',
      url,
      '--events',
      'OrderShipped,OrderPlaced',
      '--partitions',
      '4',
      '--from',
      'now',
    );
    expect(repeat).toMatchObject({ code: 0 });
    expect(repeat.stdout).toContain(
      'Subscription "fanout" already exists with these settings; nothing changed.',
    );
    expect(repeat.stdout).not.toContain('s3cret');

    const other = await cli(
      'subscriptions',
      'add',
      'fanout',
      url,
      '--events',
      'OrderPlaced',
      '--partitions',
      '4',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('subscription "fanout" already exists with another --events');
    const window = await add(
      '--dedupe-window',
      '1d',
      '--secret',
      `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
    );
    expect(window.code).toBe(1);
    expect(window.stderr).toContain('already exists with another --dedupe-window, --secret');
    expect(
      await bed.database.db.selectFrom('subscriptions').selectAll().where('name', '=', 'fanout').execute(),
    ).toEqual(before);
    await bed.database.db.deleteFrom('subscriptions').where('name', '=', 'fanout').execute();
  });

  it.each([
    [
      'nats://127.0.0.1:4222/orders?partitions=4',
      'url: a nats:// endpoint takes no partitions= option: use --partitions',
    ],
    ['nats://127.0.0.1:4222', 'url: nats://127.0.0.1:4222: the path must be the subject prefix'],
    [
      'nats://u:pw@127.0.0.1:4222/orders?retention=forever',
      'url: nats://u:***@127.0.0.1:4222/orders?retention=forever: retention must be',
    ],
  ])('refuses the NATS endpoint %s, saying why, and writes nothing', async (url, message) => {
    const run = await cli('subscriptions', 'add', 'stream', url, '--events', 'OrderPlaced');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain(':pw@');
    expect((await subscriptionRows()).map((row) => row.name)).not.toContain('stream');
  });

  it('takes a given secret, starts from now when asked, lists, disables, enables and removes', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    await insertOutboxEvents(bed.database.db, orderEvents(2, 1));
    const added = await cli(
      'subscriptions',
      'add',
      'late',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--secret',
      secret,
      '--from',
      'now',
      '--dedupe-window',
      '36h',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).not.toContain('Signing secret');
    expect((await subscriptionRows())[1]?.dedupe_window_ms).toBe(String(36 * 3_600_000));
    // From now: the two events already committed are behind its checkpoint
    const stream = await bed.database.db
      .selectFrom('relay_streams')
      .select(sql<string>`checkpoint_tx_id::text`.as('tx'))
      .where('subscription_name', '=', 'late')
      .executeTakeFirstOrThrow();
    expect(
      (await readStreamBatch(bed.database.db, { txId: stream.tx, position: '0' }, ORDER_EVENT_TYPES, 10))
        .events,
    ).toEqual([]);

    const listed = JSON.parse((await cli('subscriptions', 'list', '--json')).stdout) as {
      name: string;
      dedupeWindowMs: number;
    }[];
    expect(listed.map((s) => [s.name, s.dedupeWindowMs])).toEqual([
      ['audit', 7 * 86_400_000],
      ['late', 36 * 3_600_000],
    ]);
    expect((await cli('subscriptions', 'list')).stdout).toMatch(
      /│ late\s+│ yes\s+│ [^│]+│ OrderPlaced\s+│ 36h\s+│/,
    );
    expect((await cli('subscriptions', 'disable', 'late')).code).toBe(0);
    expect((await subscriptionRows())[1]).toMatchObject({
      enabled: false,
      disabled_reason: 'disabled by an operator',
    });
    expect((await cli('subscriptions', 'enable', 'late')).code).toBe(0);
    expect((await subscriptionRows())[1]).toMatchObject({ enabled: true, disabled_reason: null });
    expect((await cli('subscriptions', 'remove', 'late')).stdout).toContain('removed');
    expect((await cli('subscriptions', 'remove', 'late')).code).toBe(1);
    expect((await subscriptionRows()).map((row) => row.name)).toEqual(['audit']);
  });
});

describe('outbox status, dead-letters, replay and rewind', () => {
  it('report backlog, failures and dead letters, and replay and rewind streams', async () => {
    // Given "audit" (OrderPlaced, OrderCancelled) with four OrderPlaced events waiting, one parked
    await bed.database.db.deleteFrom('outbox').execute();
    await insertOutboxEvents(bed.database.db, orderEvents(4, 1));
    const [head] = (await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 1)).events;
    await bed.database.db.updateTable('relay_streams').set({ lease_owner: 'relay-test' }).execute();
    await bed.database.db.transaction().execute((trx) =>
      parkEvent(trx, { subscription: 'audit', partition: 0 }, 'relay-test', STREAM_START, head!, {
        error: 'HTTP 500: boom',
        statusCode: 500,
        attempts: 8,
        firstAttemptAt: new Date('2026-11-27T10:00:00Z'),
        lastAttemptAt: new Date('2026-11-27T10:05:00Z'),
      }),
    );
    await bed.database.db
      .updateTable('relay_streams')
      .set({
        failed_attempts: 2,
        last_status_code: 503,
        last_error: 'HTTP 503',
        next_attempt_at: new Date('2030-01-01T00:00:00Z'),
      })
      .execute();

    // status --json
    const status = JSON.parse((await cli('status', '--json')).stdout) as Record<string, unknown>[];
    expect(status).toEqual([
      expect.objectContaining({
        name: 'audit',
        backlog: 3,
        deadLetters: 1,
        failedAttempts: 2,
        nextAttemptAt: '2030-01-01T00:00:00.000Z',
        lagSeconds: expect.any(Number),
        checkpoint: { txId: head!.txId, position: head!.position },
      }),
    ]);
    // status as a table
    const table = (await cli('status')).stdout;
    expect(table).toMatch(
      /│ audit\s+│ retrying │ \d+@tx\d+\s+│ 3\s+│ [\d.]+m?s\s+│ 2 \(HTTP 503\) │ 2030-01-01T00:00:00Z │ 1\s+│/,
    );
    expect(table).toContain('audit: last error: HTTP 503');

    // dead-letters
    const letters = await cli('dead-letters', '--subscription', 'audit');
    expect(letters.stdout).toContain(head!.eventId);
    expect(letters.stdout).toContain('HTTP 500: boom');
    expect(letters.stdout).toContain('parked');

    // replay by event id, then for the whole subscription
    const replay = await cli('replay', head!.eventId);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`audit  ${head!.eventId}`);
    const [requested] = JSON.parse((await cli('dead-letters', '--json')).stdout) as { state: string }[];
    expect(requested!.state).toBe('replay-requested');
    expect((await cli('replay', '--subscription', 'audit', '--all')).code).toBe(0);
    expect((await cli('replay', '--all')).stderr).toContain('--subscription <name> --all');
    expect((await cli('replay', 'not-a-uuid')).stderr).toContain('is not an event id');

    // rewind to a position: the checkpoint sits just before that event, retry state cleared
    const rewound = await cli('rewind', 'audit', '--to', head!.position);
    expect(rewound.code).toBe(0);
    expect(rewound.stdout).toContain('4 event(s)');
    const row = await bed.database.db.selectFrom('relay_streams').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      checkpoint_position: String(BigInt(head!.position) - 1n),
      failed_attempts: 0,
      next_attempt_at: null,
    });
    // rewind to a time, and refusals
    expect((await cli('rewind', 'audit', '--to', '2000-01-01T00:00:00Z')).code).toBe(0);
    expect((await cli('rewind', 'audit', '--to', '2999-01-01T00:00:00Z')).stderr).toContain(
      'no event in the outbox',
    );
    expect((await cli('rewind', 'nobody', '--to', '1')).stderr).toContain('no subscription "nobody"');
    expect((await cli('rewind', 'audit', '--to', 'yesterday')).stderr).toContain('--to must be');
  });

  it("show an order's held events behind its dead letter, and a stream refused 401 as unauthorized", async () => {
    // Given a parked OrderPlaced with its order's two later events held behind it
    await bed.database.db.deleteFrom('outbox').execute();
    await bed.database.db.deleteFrom('dead_letters').execute();
    await insertOutboxEvents(bed.database.db, orderEvents(1, 3));
    const { events } = await readStreamBatch(bed.database.db, STREAM_START, ORDER_EVENT_TYPES, 3);
    const [parked, ...followers] = events;
    await bed.database.db.updateTable('relay_streams').set({ lease_owner: 'relay-test' }).execute();
    await bed.database.db.transaction().execute(async (trx) => {
      await sql`update relay_streams set checkpoint_tx_id = '0'::xid8, checkpoint_position = 0`.execute(trx);
      await parkEvent(trx, { subscription: 'audit', partition: 0 }, 'relay-test', STREAM_START, parked!, {
        error: 'HTTP 422: unknown SKU',
        statusCode: 422,
        attempts: 8,
        firstAttemptAt: new Date('2026-11-27T10:00:00Z'),
        lastAttemptAt: new Date('2026-11-27T10:05:00Z'),
      });
      await holdEvents(trx, { subscription: 'audit', partition: 0 }, followers, new Date());
    });
    await bed.database.db
      .updateTable('relay_streams')
      .set({ failed_attempts: 3, last_status_code: 401, last_error: 'HTTP 401', next_attempt_at: new Date() })
      .execute();

    const letters = JSON.parse((await cli('dead-letters', '--json')).stdout) as Record<string, unknown>[];
    expect(letters).toEqual([expect.objectContaining({ state: 'parked', held: false, heldBehind: 2 })]);
    const table = (await cli('dead-letters')).stdout;
    expect(table).toMatch(/│ parked\s+│ 2\s+│/);
    const withHeld = JSON.parse((await cli('dead-letters', '--held', '--json')).stdout) as {
      state: string;
    }[];
    expect(withHeld.map((letter) => letter.state)).toEqual(['parked', 'held', 'held']);

    const [status] = JSON.parse((await cli('status', '--json')).stdout) as Record<string, unknown>[];
    expect(status).toMatchObject({ deadLetters: 1, heldEvents: 2, unauthorized: true });
    const statusTable = (await cli('status')).stdout;
    expect(statusTable).toMatch(/│ audit\s+│ unauthorized │/);
    expect(statusTable).toContain('audit: unauthorized');
  });
});
