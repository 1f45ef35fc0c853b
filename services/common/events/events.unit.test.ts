import { describe, expect, it } from '@jest/globals';
import { parseCloudEventBatch, toCloudEvent } from './cloud-event.js';
import { isCancelledBeforePlaced, orderEventDataSchemas } from './order-events.js';
import type { OutboxEvent } from './outbox-event.js';

const event: OutboxEvent = {
  position: '9007199254740993',
  eventId: '019ac5a4-7a9e-7cc1-8e11-3a1b2c3d4e5f',
  aggregateType: 'Order',
  aggregateId: '019ac5a4-7a9e-7cc1-8e11-000000000001',
  aggregateVersion: 2,
  eventType: 'OrderPlaced',
  payload: {
    orderId: '019ac5a4-7a9e-7cc1-8e11-000000000001',
    customerId: 'c-1',
    items: [{ sku: 'A', quantity: 2 }],
  },
  metadata: {
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    correlationId: 'req-7',
  },
  occurredAt: new Date('2026-11-27T10:00:00.000Z'),
};

describe('the CloudEvents mapping', () => {
  it('maps an outbox row to a CloudEvent that the cloudevents package accepts back', () => {
    const cloudEvent = toCloudEvent(event);
    expect(cloudEvent).toMatchObject({
      specversion: '1.0',
      id: event.eventId,
      type: 'OrderPlaced',
      subject: event.aggregateId,
      time: '2026-11-27T10:00:00.000Z',
      position: '9007199254740993',
      aggregateversion: 2,
      traceparent: event.metadata.traceparent,
      correlationid: 'req-7',
      dataschema: 'urn:order-outbox:schema:OrderPlaced:1',
    });
    const parsed = parseCloudEventBatch(JSON.parse(JSON.stringify([cloudEvent])));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.events[0]?.data).toEqual(event.payload);
  });

  it('names no dataschema for an event type without a schema', () => {
    expect(toCloudEvent({ ...event, eventType: 'OrderAudited' })).not.toHaveProperty('dataschema');
  });

  it.each([
    [{}, /array/],
    [[], /empty/],
    [[42], /not an object/],
    [[{ id: 'x', type: 'OrderPlaced' }], /not a valid CloudEvent/],
  ])('refuses the batch %j', (body, reason) => {
    const parsed = parseCloudEventBatch(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('validates event payloads against the contract', () => {
    expect(orderEventDataSchemas.OrderPlaced.safeParse(event.payload).success).toBe(true);
    expect(orderEventDataSchemas.OrderPlaced.safeParse({ orderId: 'nope' }).success).toBe(false);
  });
});

describe('an order cancelled before it was placed', () => {
  it.each([
    ['OrderCancelled', 2, true],
    ['OrderCancelled', 3, false],
    ['OrderCancelled', null, false],
    ['OrderPlaced', 2, false],
    ['OrderShipped', 2, false],
    ['OrderGiftWrapped', 2, false],
  ] as const)('%s at version %p: %p', (type, version, expected) => {
    expect(isCancelledBeforePlaced(type, version)).toBe(expected);
  });
});
