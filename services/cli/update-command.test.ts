import { describe, expect, it } from '@jest/globals';
import { useCliTestBed } from '../../test/support/run-cli.js';

const bed = useCliTestBed();
const cli = bed.cli;

const row = (name: string) =>
  bed.database.db
    .selectFrom('subscriptions')
    .select(['endpoint_url', 'event_types'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();

describe('outbox subscriptions update', () => {
  it('changes the URL and the event types in place, and says when nothing changes', async () => {
    await cli('subscriptions', 'add', 'hooks', 'http://127.0.0.1:9/events', '--events', 'OrderPlaced');
    const moved = await cli(
      'subscriptions',
      'update',
      'hooks',
      '--url',
      'https://hooks.example/events',
      '--events',
      'OrderPlaced, OrderShipped',
    );
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(
      'Updated subscription "hooks" -> https://hooks.example/events (OrderPlaced, OrderShipped)',
    );
    expect(await row('hooks')).toEqual({
      endpoint_url: 'https://hooks.example/events',
      event_types: ['OrderPlaced', 'OrderShipped'],
    });

    const typesOnly = await cli('subscriptions', 'update', 'hooks', '--events', 'OrderCancelled');
    expect(typesOnly.code).toBe(0);
    expect(await row('hooks')).toEqual({
      endpoint_url: 'https://hooks.example/events',
      event_types: ['OrderCancelled'],
    });

    const same = await cli(
      'subscriptions',
      'update',
      'hooks',
      '--events',
      'OrderCancelled',
      '--partitions',
      '1',
    );
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('nothing changed');
  });

  it('validates as add does (nats:// rules included) and refuses another partition count, changing nothing', async () => {
    await cli('subscriptions', 'add', 'kept', 'http://127.0.0.1:9/events', '--events', 'OrderPlaced');
    const before = await row('kept');
    const runs = [
      [['--url', 'ftp://x/events'], '--url: must be an http:// or https:// URL, or a nats:// URL'],
      [
        ['--url', 'nats://127.0.0.1:4222/orders?partitions=4'],
        '--url: a nats:// endpoint takes no partitions= option',
      ],
      [['--events', 'OrderPlaced,Nope'], '--events: unknown event type "Nope"'],
      [['--events', ' , '], '--events: at least one event type'],
      [['--partitions', '4', '--url', 'http://elsewhere/events'], 'refused: "kept" has 1 partition'],
      [[], 'nothing to change'],
    ] as const;
    for (const [args, message] of runs) {
      const refused = await cli('subscriptions', 'update', 'kept', ...args);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(message);
    }
    const unknown = await cli('subscriptions', 'update', 'nobody', '--events', 'OrderPlaced');
    expect(unknown.stderr).toContain('no subscription "nobody"');
    expect(await row('kept')).toEqual(before);

    // A NATS subscription's secret was never shown: it cannot become a webhook in place
    await cli('subscriptions', 'add', 'jet', 'nats://127.0.0.1:4222/orders', '--events', 'OrderPlaced');
    const natsBefore = await row('jet');
    const toWebhook = await cli('subscriptions', 'update', 'jet', '--url', 'http://127.0.0.1:9/events');
    expect(toWebhook.code).toBe(1);
    expect(toWebhook.stderr).toContain('refused: "jet" delivers to NATS, which signs nothing');
    expect(toWebhook.stderr).toContain('--from checkpoint-of:jet');
    expect(await row('jet')).toEqual(natsBefore);
  });
});
