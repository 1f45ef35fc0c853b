import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { toCloudEvent } from '../../services/common/events/cloud-event.js';
import type { OutboxEvent } from '../../services/common/events/outbox-event.js';
import { allEventSubjects, eventSubject } from '../../services/common/nats/subjects.js';

/**
 * Events on JetStream as the relay publishes them, built in tests: a stream of its own per test
 * (name and subject prefix unique), each event one structured CloudEvent with its Content-Type,
 * Nats-Msg-Id and traceparent headers on `<prefix>.<partition>.<type>`. Test support only.
 */
export type TestEventStream = {
  nc: NatsConnection;
  js: JetStreamClient;
  stream: string;
  prefix: string;
  /** The event source URL a subscriber consumes this stream with. */
  sourceUrl(partitions: number): string;
  publish(partition: number, event: OutboxEvent, options?: { msgId?: string | null }): Promise<void>;
  /** Publishes raw bytes on a partition's subject (malformed messages). */
  publishRaw(partition: number, type: string, data: string): Promise<void>;
  close(): Promise<void>;
};

export async function createTestEventStream(natsUrl: string): Promise<TestEventStream> {
  const suffix = randomBytes(4).toString('hex');
  const stream = `TEST_${suffix.toUpperCase()}`;
  const prefix = `orders-${suffix}`;
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: stream,
    subjects: [allEventSubjects(prefix)],
    duplicate_window: nanos(120_000),
  });
  const js = jetstream(nc);
  return {
    nc,
    js,
    stream,
    prefix,
    sourceUrl: (partitions) => `${natsUrl}/${prefix}?stream=${stream}&partitions=${partitions}`,
    async publish(partition, event, options = {}) {
      const cloudEvent = toCloudEvent(event);
      const h = headers();
      h.set('Content-Type', 'application/cloudevents+json; charset=utf-8');
      const msgId = options.msgId === undefined ? event.eventId : options.msgId;
      if (msgId !== null) h.set('Nats-Msg-Id', msgId);
      if (cloudEvent.traceparent) h.set('traceparent', cloudEvent.traceparent);
      await js.publish(eventSubject(prefix, partition, event.eventType), JSON.stringify(cloudEvent), {
        headers: h,
      });
    },
    async publishRaw(partition, type, data) {
      await js.publish(eventSubject(prefix, partition, type), data);
    },
    async close() {
      await jsm.streams.delete(stream);
      await nc.drain();
    },
  };
}
