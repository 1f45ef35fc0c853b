import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readJetStream } from '../../../test/support/jetstream-messages.js';
import { startTestNats, type TestNats } from '../../../test/support/nats-server.js';
import { createLogger } from '../../common/logger.js';
import type { OutboxEvent } from '../../common/events/outbox-event.js';
import { createNatsTransport, type NatsTransport } from './nats-transport.js';

function events(count: number): OutboxEvent[] {
  const orderId = randomUUID();
  return Array.from({ length: count }, (_, index) => ({
    position: String(index + 1),
    eventId: randomUUID(),
    aggregateType: 'Order',
    aggregateId: orderId,
    aggregateVersion: index + 2,
    eventType: 'OrderShipped',
    payload: { orderId },
    metadata: {},
    occurredAt: new Date(),
  }));
}

describe('the NATS transport', () => {
  let nats: TestNats;
  let transport: NatsTransport;
  beforeAll(async () => {
    nats = await startTestNats();
    transport = createNatsTransport({ timeoutMs: 5_000, logger: createLogger('nats-test', 'silent') });
  });
  afterAll(async () => {
    await transport.close();
    await nats.stop();
  });

  it('sends every publish of a batch before it waits for the first ack, and stores each event once', async () => {
    const endpointUrl = `${nats.url}/pipeline-${randomUUID().slice(0, 8)}?stream=PIPELINE_${Date.now()}`;
    const prepared = await transport.prepare('pipeline', endpointUrl);
    if (!prepared.ok) throw new Error(prepared.error);
    // A spy around the real client (not a stand-in): it records when each publish is handed to
    // the connection and when its ack comes back, in the order both happen.
    const timeline: string[] = [];
    const js = prepared.link.js;
    const publish = js.publish.bind(js);
    js.publish = (...args: Parameters<typeof js.publish>) => {
      timeline.push('sent');
      return publish(...args).then((ack) => {
        timeline.push('acked');
        return ack;
      });
    };
    const batch = events(1_000);
    try {
      const outcome = await transport.deliver({
        subscription: 'pipeline',
        endpointUrl,
        secrets: [],
        partition: 0,
        events: batch,
      });
      expect(outcome).toEqual({ kind: 'delivered' });
    } finally {
      js.publish = publish;
    }
    expect(timeline.indexOf('acked')).toBe(1_000);
    expect(timeline.filter((entry) => entry === 'acked')).toHaveLength(1_000);

    // Delivered again (a crash before the checkpoint): the duplicate window drops all of it
    expect(
      await transport.deliver({
        subscription: 'pipeline',
        endpointUrl,
        secrets: [],
        partition: 0,
        events: batch,
      }),
    ).toEqual({ kind: 'delivered' });
    const { messages } = await readJetStream(nats.url, prepared.endpoint.stream);
    expect(messages.map((message) => message.headers['Nats-Msg-Id'])).toEqual(
      batch.map((event) => event.eventId),
    );
  });

  it('refuses an event larger than the stream takes before it sends anything of the batch', async () => {
    const stream = `SMALL_${Date.now()}`;
    const prefix = `small-${randomUUID().slice(0, 8)}`;
    const endpointUrl = `${nats.url}/${prefix}?stream=${stream}`;
    const prepared = await transport.prepare('small', endpointUrl);
    if (!prepared.ok) throw new Error(prepared.error);
    await prepared.link.jsm.streams.update(stream, { max_msg_size: 1_024 });
    const fresh = createNatsTransport({ timeoutMs: 5_000, logger: createLogger('nats-test', 'silent') });
    try {
      const batch = events(3);
      batch[1] = { ...batch[1]!, payload: { blob: 'x'.repeat(2_000) } };
      const outcome = await fresh.deliver({
        subscription: 'small',
        endpointUrl,
        secrets: [],
        partition: 0,
        events: batch,
      });
      expect(outcome).toMatchObject({ kind: 'failed', failure: 'refused', statusCode: null });
      expect(outcome.kind === 'failed' && outcome.error).toContain(`event ${batch[1].eventId} is`);
      expect((await readJetStream(nats.url, stream)).messages).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
