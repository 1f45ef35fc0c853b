import { describe, expect, it } from '@jest/globals';
import { toCloudEvent } from '../../common/events/cloud-event.js';
import type { OutboxEvent } from '../../common/events/outbox-event.js';
import { buildNatsMessage, CLOUDEVENT_CONTENT_TYPE, messageSize } from './nats-message.js';

const event: OutboxEvent = {
  position: '42',
  eventId: '0190f1c2-0000-7000-8000-000000000001',
  aggregateType: 'Order',
  aggregateId: 'order-1',
  aggregateVersion: 3,
  eventType: 'OrderShipped',
  payload: { orderId: 'order-1' },
  metadata: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', correlationId: 'c-1' },
  occurredAt: new Date('2026-11-29T10:00:00Z'),
};

describe('a NATS message of an event', () => {
  it('is the CloudEvent of an HTTP batch element, on prefix.partition.type, with its id as Nats-Msg-Id', () => {
    const message = buildNatsMessage('shop.orders', 5, event);
    expect(message.subject).toBe('shop.orders.5.OrderShipped');
    expect(message.msgId).toBe(event.eventId);
    expect(message.headers).toEqual({
      'Content-Type': CLOUDEVENT_CONTENT_TYPE,
      traceparent: event.metadata.traceparent,
    });
    expect(JSON.parse(new TextDecoder().decode(message.data))).toEqual(
      JSON.parse(JSON.stringify(toCloudEvent(event))),
    );
  });

  it('counts its headers in its size, as the server does', () => {
    const message = buildNatsMessage('o', 0, event);
    expect(messageSize(message)).toBeGreaterThan(message.data.byteLength + event.eventId.length);
  });
});
