import { describe, expect, it } from '@jest/globals';
import { loadSubscriberConfig } from '../inbox/subscriber-config.js';
import { generateWebhookSecret } from '../../common/events/webhook-signature.js';
import { leaseTiming } from './lease-timing.js';
import { readReplySubject } from './pull-messages.js';
import { readMessage } from './read-message.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const cloudEvent = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    specversion: '1.0',
    id: '0190b7a4-2c39-7d4e-9a57-5e3a1f1d2c3b',
    source: '/order-outbox/order-api',
    type: 'OrderShipped',
    data: { orderId: '0190b7a4-2c39-7d4e-9a57-5e3a1f1d2c3c' },
    aggregateversion: 3,
    ...overrides,
  });

describe('reading one NATS message as one CloudEvent', () => {
  it('reads a valid event as the inbox reads one element of a POSTed batch', () => {
    const read = readMessage(bytes(cloudEvent()));
    expect(read).toMatchObject({ ok: true, entry: { type: 'OrderShipped', event: { aggregateVersion: 3 } } });
  });

  it('passes an unknown type through, to be acknowledged without effect', () => {
    expect(readMessage(bytes(cloudEvent({ type: 'OrderGiftWrapped' })))).toMatchObject({
      ok: true,
      entry: { event: null },
    });
  });

  it.each([
    ['not JSON', 'nope', 'malformed'],
    ['a batch instead of one event', `[${cloudEvent()}]`, 'malformed'],
    ['not a CloudEvent', '{"id":"x"}', 'malformed'],
    ['an id that is not a UUID', cloudEvent({ id: 'abc' }), 'malformed'],
    ['a payload breaking the contract', cloudEvent({ data: { orderId: 7 } }), 'invalid_payload'],
  ])('refuses %s as never applicable', (_what, text, reason) => {
    expect(readMessage(bytes(text))).toMatchObject({ ok: false, reason });
  });
});

describe('the reply subject of a JetStream message', () => {
  it('gives the delivery count and stream sequence in the short and the long form', () => {
    expect(readReplySubject('$JS.ACK.ORDERS.email-p3.2.41.17.1732912345000000000.5')).toEqual({
      deliveryCount: 2,
      streamSequence: 41,
    });
    expect(readReplySubject('$JS.ACK.hub.ACCHASH.ORDERS.email-p3.1.42.18.1732912345000000000.0.tok')).toEqual(
      {
        deliveryCount: 1,
        streamSequence: 42,
      },
    );
  });
});

describe('the partition lease timing', () => {
  it.each([1_000, 3_000, 10_000, 30_000, 120_000])(
    'with an ack wait of %i ms, a pull started in time is acknowledged or due again before the lease can end',
    (ackWaitMs) => {
      const timing = leaseTiming(ackWaitMs);
      // Pulling stops with pullMarginMs left: the last message of that pull arrives within the pull's
      // wait and is due for redelivery an ack wait later, still before the lease can be taken.
      expect(timing.pullMarginMs).toBeGreaterThanOrEqual(timing.ackWaitMs + timing.pullWaitMs);
      // A fresh lease leaves room to pull, and for at least two renewals to fail before pulling stops.
      expect(timing.leaseTtlMs - timing.pullMarginMs).toBeGreaterThan(2 * timing.renewEveryMs);
    },
  );
});

describe('the event source variable', () => {
  // Token keys are required while AUTH_MODE is jwt (the default).
  const env = (source?: string) => ({
    EMAIL_WEBHOOK_SECRET: generateWebhookSecret(),
    AUTH_PUBLIC_KEY_FILE: 'keys/jwks.json',
    AUTH_ISSUER: 'https://id.example',
    AUTH_AUDIENCE: 'order-outbox',
    EMAIL_EVENT_SOURCE: source,
  });

  it('is http by default', () => {
    expect(loadSubscriberConfig('email', env(), {}).eventSource).toEqual({ kind: 'http' });
  });

  it('takes a nats:// URL with its partitions', () => {
    const config = loadSubscriberConfig('email', env('nats://127.0.0.1:4222/orders?partitions=4'), {});
    expect(config.eventSource).toMatchObject({
      kind: 'nats',
      endpoint: { subjectPrefix: 'orders', partitions: 4 },
    });
  });

  it.each([
    ['kafka://broker/orders', 'must be http or a nats:// URL'],
    ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4222: the path must be the subject prefix'],
  ])('refuses %s, naming the variable', (source, message) => {
    expect(() => loadSubscriberConfig('email', env(source), {})).toThrow(`EMAIL_EVENT_SOURCE: ${message}`);
  });

  it('never shows the password of a refused URL', () => {
    const refuse = () =>
      loadSubscriberConfig('email', env('nats://relay:hunter2@nats:4222/orders?partitions=0'), {});
    expect(refuse).toThrow('nats://relay:***@nats:4222/orders?partitions=0: partitions must be');
    expect(refuse).not.toThrow(/hunter2/);
  });
});
