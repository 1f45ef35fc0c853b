import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { readJetStream } from '../../test/support/jetstream-messages.js';
import { startTestNats, type TestNats } from '../../test/support/nats-server.js';
import { insertOutboxEvents, orderEvents, outboxRow } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { spawnRelay } from '../../test/support/relay-process.js';
import { waitFor } from '../../test/support/wait-for.js';
import { generateWebhookSecret } from '../common/events/webhook-signature.js';
import type { OrderEventType } from '../common/events/order-events.js';
import { STREAM_START } from './streams/checkpoint.js';
import { loadStream } from './streams/load-stream.js';
import { movedCheckpoint } from './streams/moved-checkpoint.js';

jest.setTimeout(60_000);
const bed = useRelayTestBed();
let nats: TestNats;
beforeAll(async () => {
  // Its own server: one test restarts it.
  nats = await startTestNats({ own: true });
});
afterAll(async () => {
  await nats.stop();
});

/** A stream and subject prefix no other test uses. */
function natsTarget(options = '') {
  const id = randomUUID().slice(0, 8);
  const prefix = `t${id}.orders`;
  const stream = `T_${id}`;
  return { prefix, stream, url: `${nats.url}/${prefix}?stream=${stream}${options}` };
}

async function subscribeNats(name: string, url: string, types?: OrderEventType[]): Promise<void> {
  // A NATS subscription's secret is stored but never used.
  await subscribe(bed.database.db, name, { url, secret: generateWebhookSecret() }, types);
}

async function storedCount(stream: string): Promise<number> {
  const connection = await connect({ servers: nats.url });
  try {
    return (await (await jetstreamManager(connection)).streams.info(stream)).state.messages;
  } catch {
    return 0;
  } finally {
    await connection.close();
  }
}

async function lastOutboxPosition(): Promise<string> {
  const last = await sql<{ position: string }>`
    select position from outbox order by tx_id desc, position desc limit 1`.execute(bed.database.db);
  return String(last.rows[0]!.position);
}

async function createStream(config: {
  name: string;
  subjects: string[];
  duplicateWindowMs?: number;
  maxAgeMs?: number;
}) {
  const connection = await connect({ servers: nats.url });
  try {
    await (
      await jetstreamManager(connection)
    ).streams.add({
      name: config.name,
      subjects: config.subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(config.duplicateWindowMs ?? 120_000),
      max_age: nanos(config.maxAgeMs ?? 0),
    });
  } finally {
    await connection.close();
  }
}

describe('a NATS subscription', () => {
  it('publishes each event as one CloudEvent on prefix.partition.type with Nats-Msg-Id, in outbox order, into a stream made with the URL settings', async () => {
    const target = natsTarget('&max-age=1d&duplicate-window=5m&retention=limits');
    await subscribeNats('jetstream', target.url);
    const events = orderEvents(30, 3);
    await insertOutboxEvents(bed.database.db, events);

    bed.startRelay({ config: { batchSize: 25 } });

    await waitFor('every event stored', async () => (await storedCount(target.stream)) === events.length);
    const last = await lastOutboxPosition();
    await waitFor(
      'the checkpoint at the end',
      async () =>
        (await loadStream(bed.database.db, { subscription: 'jetstream', partition: 0 }))?.checkpoint
          .position === last,
    );
    const { info, messages } = await readJetStream(nats.url, target.stream);
    expect(info.config).toMatchObject({
      subjects: [`${target.prefix}.>`],
      max_age: nanos(86_400_000),
      duplicate_window: nanos(300_000),
      retention: 'limits',
      storage: 'file',
    });
    const outboxOrder = await bed.database.db
      .selectFrom('outbox')
      .select('event_id')
      .orderBy(sql`tx_id`)
      .orderBy('position')
      .execute();
    expect(messages.map((message) => message.headers['Nats-Msg-Id'])).toEqual(
      outboxOrder.map((row) => row.event_id),
    );
    for (const message of messages) {
      const event = events.find((candidate) => candidate.eventId === message.headers['Nats-Msg-Id'])!;
      expect(message.subject).toBe(`${target.prefix}.0.${event.type}`);
      expect(message.headers['Content-Type']).toBe('application/cloudevents+json; charset=utf-8');
      expect(message.headers.traceparent).toBe(event.traceparent);
      expect(message.data).toMatchObject({
        specversion: '1.0',
        id: event.eventId,
        type: event.type,
        subject: event.orderId,
        aggregateversion: event.version,
        traceparent: event.traceparent,
      });
    }
  });

  it('keeps its checkpoint behind unacknowledged publishes while the server restarts, then stores every event once, in order', async () => {
    const target = natsTarget();
    await subscribeNats('outage', target.url);
    const events = orderEvents(1_000, 5);
    await insertOutboxEvents(bed.database.db, events);
    bed.startRelay({ config: { batchSize: 100 } });
    await waitFor('some events stored', async () => (await storedCount(target.stream)) >= 500);

    // The server goes away mid-run; meanwhile the stream records failures and keeps its place
    const failures: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const stream = await bed.database.db
          .selectFrom('relay_streams')
          .select('last_error')
          .where('subscription_name', '=', 'outage')
          .executeTakeFirst();
        if (stream?.last_error) failures.push(stream.last_error);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await nats.restart();
    await waitFor(
      'every event stored',
      async () => (await storedCount(target.stream)) === events.length,
      40_000,
    );
    const last = await lastOutboxPosition();
    await waitFor(
      'the checkpoint at the end',
      async () =>
        (await loadStream(bed.database.db, { subscription: 'outage', partition: 0 }))?.checkpoint.position ===
        last,
    );
    watching = false;
    await watch;
    expect(failures.length).toBeGreaterThan(0);

    const { messages } = await readJetStream(nats.url, target.stream);
    const ids = messages.map((message) => message.headers['Nats-Msg-Id']);
    expect(ids).toHaveLength(events.length);
    expect(new Set(ids)).toEqual(new Set(events.map((event) => event.eventId)));
    const versions = new Map<string, number>();
    for (const message of messages) {
      const order = message.data.subject as string;
      const version = message.data.aggregateversion as number;
      expect(version).toBeGreaterThan(versions.get(order) ?? 0);
      versions.set(order, version);
    }
  });

  it('stores nothing twice when a batch is published again after its acks but before its checkpoint', async () => {
    const target = natsTarget();
    await subscribeNats('republish', target.url);
    const events = orderEvents(20, 2);
    await insertOutboxEvents(bed.database.db, events);
    const first = bed.startRelay();
    const last = await lastOutboxPosition();
    const atEnd = async () =>
      (await loadStream(bed.database.db, { subscription: 'republish', partition: 0 }))?.checkpoint
        .position === last;
    await waitFor('the checkpoint at the end', atEnd);
    await first.stop();
    expect(await storedCount(target.stream)).toBe(events.length);

    // As after a crash between the acks and the checkpoint write: the stream is back at its start,
    // so the next relay publishes every event again
    await bed.database.db
      .updateTable('relay_streams')
      .set(movedCheckpoint(STREAM_START, null))
      .where('subscription_name', '=', 'republish')
      .execute();
    bed.startRelay();
    await waitFor('the events published again, the checkpoint at the end', atEnd);

    expect(await storedCount(target.stream)).toBe(events.length);
  });

  it('uses an existing stream whose settings differ harmlessly from the URL', async () => {
    const target = natsTarget('&max-age=7d');
    await createStream({
      name: target.stream,
      subjects: [`${target.prefix}.>`, 'elsewhere.>'],
      maxAgeMs: 3_600_000,
    });
    await subscribeNats('existing', target.url, ['OrderPlaced']);
    const events = orderEvents(5, 2);
    await insertOutboxEvents(bed.database.db, events);
    bed.startRelay();
    await waitFor('the placed events stored', async () => (await storedCount(target.stream)) === 5);
    const { info } = await readJetStream(nats.url, target.stream);
    expect(info.config.max_age).toBe(nanos(3_600_000));
  });

  it('parks an event too large for the stream like a refusal, holds its order behind it, and delivers the rest', async () => {
    const target = natsTarget();
    await createStream({ name: target.stream, subjects: [`${target.prefix}.>`] });
    const connection = await connect({ servers: nats.url });
    await (await jetstreamManager(connection)).streams.update(target.stream, { max_msg_size: 2_048 });
    await connection.close();
    await subscribeNats('large', target.url);
    const [bigPlaced, otherPlaced, bigShipped, otherShipped] = orderEvents(2, 2);
    await bed.database.db
      .insertInto('outbox')
      .values([
        {
          ...outboxRow(bigPlaced!),
          payload: JSON.stringify({ orderId: bigPlaced!.orderId, note: 'x'.repeat(4_000) }),
        },
        outboxRow(otherPlaced!),
        outboxRow(bigShipped!),
        outboxRow(otherShipped!),
      ])
      .execute();

    bed.startRelay();

    await waitFor('the other order stored', async () => (await storedCount(target.stream)) === 2);
    await waitFor('the large event parked, its follower held', async () => {
      const letters = await bed.database.db
        .selectFrom('dead_letters')
        .select(['event_id', 'held'])
        .where('subscription_name', '=', 'large')
        .execute();
      return letters.length === 2;
    });
    const letters = await bed.database.db
      .selectFrom('dead_letters')
      .select(['event_id', 'held', 'error'])
      .where('subscription_name', '=', 'large')
      .orderBy('id')
      .execute();
    expect(letters.map((letter) => [letter.event_id, letter.held])).toEqual([
      [bigPlaced!.eventId, false],
      [bigShipped!.eventId, true],
    ]);
    expect(letters[0]!.error).toContain('bytes as a NATS message');
    const { messages } = await readJetStream(nats.url, target.stream);
    expect(messages.map((message) => message.headers['Nats-Msg-Id'])).toEqual([
      otherPlaced!.eventId,
      otherShipped!.eventId,
    ]);
  });

  it('added while the relay runs, shows why it cannot reach its server as the stream error, and retries', async () => {
    bed.startRelay();
    await subscribeNats('nowhere', 'nats://127.0.0.1:9/nowhere?stream=NOWHERE');
    await insertOutboxEvents(bed.database.db, orderEvents(1, 1));
    await waitFor('retried with the error recorded', async () => {
      const stream = await bed.database.db
        .selectFrom('relay_streams')
        .select(['last_error', 'failed_attempts'])
        .where('subscription_name', '=', 'nowhere')
        .executeTakeFirst();
      return (
        (stream?.failed_attempts ?? 0) >= 2 &&
        (stream?.last_error ?? '').includes('cannot reach the NATS server')
      );
    });
  });
});

describe('a relay with NATS subscriptions it cannot deliver to', () => {
  it('refuses to start, naming each subscription, its URL and what is wrong', async () => {
    const narrow = natsTarget();
    await createStream({ name: narrow.stream, subjects: ['somewhere.else.>'] });
    const short = natsTarget('&duplicate-window=10m');
    await createStream({ name: short.stream, subjects: [`${short.prefix}.>`], duplicateWindowMs: 60_000 });
    await subscribeNats('unreachable', 'nats://relay:hunter2@127.0.0.1:9/orders?stream=ORDERS');
    await subscribeNats('narrow', narrow.url);
    await subscribeNats('short', short.url);

    const relay = spawnRelay(bed.database.url, 'refused');
    const exit = await relay.exited;

    expect(exit.code).toBe(1);
    const output = relay.output();
    expect(output).toContain(
      'subscription "unreachable" (nats://relay:***@127.0.0.1:9/orders?stream=ORDERS): cannot reach the NATS server',
    );
    expect(output).not.toContain('hunter2');
    expect(output).toContain(
      `subscription "narrow" (${narrow.url}): JetStream stream ${narrow.stream} exists but its subjects (somewhere.else.>) do not cover ${narrow.prefix}.>`,
    );
    expect(output).toContain(
      `subscription "short" (${short.url}): JetStream stream ${short.stream} drops duplicates for 1m, less than the duplicate-window of 10m`,
    );
    // Nothing was delivered, no stream taken
    const leased = await bed.database.db
      .selectFrom('relay_streams')
      .select('lease_owner')
      .where('lease_owner', 'is not', null)
      .execute();
    expect(leased).toEqual([]);
  });
});
