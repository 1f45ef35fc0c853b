import { describe, expect, it } from '@jest/globals';
import { isNatsUrl, parseNatsEndpoint } from './nats-endpoint.js';
import { eventSubject, partitionSubjects } from './subjects.js';

describe('a NATS endpoint URL', () => {
  it('takes the defaults when only the server and the subject prefix are given', () => {
    expect(parseNatsEndpoint('nats://127.0.0.1:4222/orders')).toEqual({
      ok: true,
      endpoint: {
        servers: 'nats://127.0.0.1:4222',
        user: undefined,
        password: undefined,
        subjectPrefix: 'orders',
        stream: 'ORDER_EVENTS',
        partitions: 1,
        maxAgeMs: 7 * 86_400_000,
        duplicateWindowMs: 120_000,
        retention: 'limits',
      },
    });
  });

  it('reads every option and the credentials', () => {
    const parsed = parseNatsEndpoint(
      'nats://relay:s%40cret@nats.internal:4222/shop.orders?stream=SHOP&partitions=8&max-age=1d&duplicate-window=5m&retention=limits',
    );
    expect(parsed).toMatchObject({
      ok: true,
      endpoint: {
        servers: 'nats://nats.internal:4222',
        user: 'relay',
        password: 's@cret',
        subjectPrefix: 'shop.orders',
        stream: 'SHOP',
        partitions: 8,
        maxAgeMs: 86_400_000,
        duplicateWindowMs: 300_000,
        retention: 'limits',
      },
    });
  });

  it.each([
    ['http://127.0.0.1:4222/orders', 'is not a nats:// URL'],
    ['nats://127.0.0.1:4222', 'the path must be the subject prefix'],
    ['nats://127.0.0.1:4222/orders.*', 'the path must be the subject prefix'],
    ['nats://127.0.0.1:4222/orders?partition=2', 'unknown option partition'],
    ['nats://127.0.0.1:4222/orders?partitions=0', 'partitions must be a whole number'],
    ['nats://127.0.0.1:4222/orders?max-age=soon', 'must be durations'],
    ['nats://127.0.0.1:4222/orders?retention=forever', 'retention must be limits'],
    ['nats://127.0.0.1:4222/orders?retention=interest', 'can drop events no consumer has taken yet'],
    ['nats://127.0.0.1:4222/orders?retention=workqueue', 'retention must be limits'],
  ])('refuses %s, saying why', (text, message) => {
    const parsed = parseNatsEndpoint(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(message);
  });

  it('is told apart from an HTTP endpoint by its scheme', () => {
    expect(isNatsUrl('nats://h:4222/p')).toBe(true);
    expect(isNatsUrl('http://h/events')).toBe(false);
  });

  it('publishes on prefix.partition.type, and a partition is filtered by prefix.partition.*', () => {
    expect(eventSubject('orders', 3, 'OrderPlaced')).toBe('orders.3.OrderPlaced');
    expect(partitionSubjects('orders', 3)).toBe('orders.3.*');
  });
});
