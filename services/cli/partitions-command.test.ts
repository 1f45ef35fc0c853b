import { describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { useCliTestBed } from '../../test/support/run-cli.js';

const bed = useCliTestBed();
const cli = bed.cli;

const streams = () =>
  bed.database.db
    .selectFrom('relay_streams')
    .select(['subscription_name', 'partition'])
    .orderBy('subscription_name')
    .orderBy('partition')
    .execute();

describe('partitioned subscriptions in the CLI', () => {
  it('adds a subscription with --partitions N (a stream per partition), refuses a count out of range, and one partition by default', async () => {
    const added = await cli(
      'subscriptions',
      'add',
      'wide',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--partitions',
      '4',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('4 partitions.');
    const plain = await cli(
      'subscriptions',
      'add',
      'narrow',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
    );
    expect(plain.stdout).toContain('1 partition.');
    expect(await streams()).toEqual([
      { subscription_name: 'narrow', partition: 0 },
      ...[0, 1, 2, 3].map((partition) => ({ subscription_name: 'wide', partition })),
    ]);
    expect((await cli('subscriptions', 'list')).stdout).toMatch(
      /│ wide\s+│ yes\s+│ [^│]+│ OrderPlaced\s+│ 7d\s+│ 4\s+│/,
    );

    for (const bad of ['0', '1025', 'two', '1.5']) {
      const refused = await cli(
        'subscriptions',
        'add',
        'bad',
        'http://127.0.0.1:9/events',
        '--events',
        'OrderPlaced',
        '--partitions',
        bad,
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('--partitions: must be a whole number from 1 to 1024');
    }
    expect((await streams()).filter((row) => row.subscription_name === 'bad')).toEqual([]);
  });

  it('refuses to change the partition count, by update or by adding again, and says what to do instead', async () => {
    const update = await cli('subscriptions', 'update', 'wide', '--partitions', '8');
    expect(update.code).toBe(1);
    expect(update.stderr).toContain(
      `refused: "wide" has 4 partitions and a subscription's partition count never changes`,
    );
    expect(update.stderr).toContain('--partitions 8 --from checkpoint-of:wide');
    expect(update.stderr).toContain('remove "wide"');

    const again = await cli(
      'subscriptions',
      'add',
      'wide',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--partitions',
      '2',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('partition count never changes');
    expect(again.stderr).toContain('--partitions 2 --from checkpoint-of:wide');

    const same = await cli('subscriptions', 'update', 'wide', '--partitions', '4');
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toContain('has 4 partitions already; nothing to change');
    expect((await streams()).filter((row) => row.subscription_name === 'wide')).toHaveLength(4);
  });

  it('takes over from another subscription at its lowest checkpoint with --from checkpoint-of, and refuses an unknown one creating nothing', async () => {
    // Given a subscription's four partitions at different checkpoints
    await cli(
      'subscriptions',
      'add',
      'old4',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--partitions',
      '4',
    );
    for (const [partition, position] of [
      [0, 40],
      [1, 12],
      [2, 30],
      [3, 25],
    ] as const)
      await bed.database.db
        .updateTable('relay_streams')
        .set({ checkpoint_tx_id: sql`'900'::xid8`, checkpoint_position: String(position) })
        .where('subscription_name', '=', 'old4')
        .where('partition', '=', partition)
        .execute();

    // When a subscription with another count takes over from it
    const added = await cli(
      'subscriptions',
      'add',
      'wide-8',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--partitions',
      '8',
      '--from',
      'checkpoint-of:old4',
    );

    // Then every one of its partitions starts where the old one is furthest behind
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toContain('from the lowest checkpoint of "old4"');
    const starts = await bed.database.db
      .selectFrom('relay_streams')
      .select(['partition', sql<string>`checkpoint_tx_id::text`.as('tx'), 'checkpoint_position'])
      .where('subscription_name', '=', 'wide-8')
      .orderBy('partition')
      .execute();
    expect(starts).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((partition) => ({ partition, tx: '900', checkpoint_position: '12' })),
    );

    const unknown = await cli(
      'subscriptions',
      'add',
      'orphan',
      'http://127.0.0.1:9/events',
      '--events',
      'OrderPlaced',
      '--from',
      'checkpoint-of:nobody',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--from: no subscription "nobody" to take the checkpoint of');
    expect((await streams()).filter((row) => row.subscription_name === 'orphan')).toEqual([]);
    expect((await cli('subscriptions', 'list')).stdout).not.toContain('orphan');

    await cli('subscriptions', 'remove', 'wide-8');
    await cli('subscriptions', 'remove', 'old4');
  });

  it('shows status collapsed per subscription, every partition with --partitions and in --json', async () => {
    await insertOutboxEvents(bed.database.db, orderEvents(40, 1));
    await bed.database.db
      .updateTable('relay_streams')
      .set({ failed_attempts: 2, last_status_code: 503, last_error: 'HTTP 503: deploying' })
      .where('subscription_name', '=', 'wide')
      .where('partition', '=', 2)
      .execute();

    const collapsed = (await cli('status')).stdout;
    // One row for wide: the worst state, the 40 events summed over its 4 partitions
    expect(collapsed).toMatch(
      /│ wide\s+│ retrying │ [^│]+│ 40\s+│ [^│]+│ 2 \(HTTP 503\) │ [^│]+│ 0\s+│ 0\s+│ 4\s+│/,
    );
    expect(collapsed).toMatch(/│ narrow\s+│ ok\s+│ [^│]+│ 40\s+│/);
    expect(collapsed.match(/│ wide /g)).toHaveLength(1);
    expect(collapsed).toContain('wide: last error: HTTP 503: deploying');

    const each = (await cli('status', '--partitions')).stdout;
    expect(each.match(/│ wide /g)).toHaveLength(4);
    expect(each).toMatch(/│ wide\s+│ 2 of 4\s+│ retrying │/);
    expect(each).toMatch(/│ wide\s+│ 0 of 4\s+│ ok\s+│/);
    expect(each).toContain('wide/2: last error: HTTP 503: deploying');

    const json = JSON.parse((await cli('status', '--json')).stdout) as {
      name: string;
      partition: number;
      backlog: number;
    }[];
    const wide = json.filter((stream) => stream.name === 'wide');
    expect(wide.map((stream) => stream.partition)).toEqual([0, 1, 2, 3]);
    expect(wide.reduce((sum, stream) => sum + stream.backlog, 0)).toBe(40);
    expect(wide.every((stream) => stream.backlog < 40)).toBe(true);
  });

  it('rewinds every partition or one, and names the partitions a subscription has', async () => {
    // Given every partition past every event, but partition 1 still at the start
    const { rows } = await sql<{ tx_id: string; position: string }>`
      select tx_id::text, position::text from outbox order by tx_id desc, position desc limit 1`.execute(
      bed.database.db,
    );
    await bed.database.db
      .updateTable('relay_streams')
      .set({ checkpoint_tx_id: sql`${rows[0]!.tx_id}::xid8`, checkpoint_position: rows[0]!.position })
      .where('subscription_name', '=', 'wide')
      .where('partition', '<>', 1)
      .execute();
    const { rows: first } = await sql<{ position: string }>`
      select position::text from outbox order by tx_id, position limit 1`.execute(bed.database.db);

    // A partition already before the point stays there; the others move back
    const all = await cli('rewind', 'wide', '--to', first[0]!.position);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Rewound "wide" (partitions 0, 2, 3)');
    expect(all.stdout).toContain('Left where they were, already before that point: partition 1.');
    // One partition alone: never forward, as a rewind of a one-partition subscription
    const forward = await cli(
      'rewind',
      'wide',
      '--to',
      String(Number(first[0]!.position) + 1),
      '--partition',
      '1',
    );
    expect(forward.code).toBe(1);
    expect(forward.stderr).toContain('refused to rewind "wide" partition 1');
    expect(forward.stderr).toContain('would move the checkpoint forward');
    const one = await cli('rewind', 'wide', '--to', first[0]!.position, '--partition', '3');
    expect(one.stdout).toContain('Rewound "wide" (partition 3)');
    const missing = await cli('rewind', 'wide', '--to', '1', '--partition', '4');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('"wide" has 4 partitions (0 to 3); there is no partition 4');
  });
});
