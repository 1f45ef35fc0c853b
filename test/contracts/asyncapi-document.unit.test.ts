import { describe, expect, it } from '@jest/globals';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { buildAsyncApiDocument } from '../../services/common/events/asyncapi.js';
import { toCloudEvent } from '../../services/common/events/cloud-event.js';
import { ORDER_EVENT_TYPES } from '../../services/common/events/order-events.js';
import type { OutboxEvent } from '../../services/common/events/outbox-event.js';
import { eventSchemaValidator } from '../support/event-schema-validator.js';

/** Errors and warnings; information and hints (such as "a newer AsyncAPI version exists") pass. */
const BLOCKING = new Set<number>([DiagnosticSeverity.Error, DiagnosticSeverity.Warning]);

async function problemsOf(document: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics
    .filter(({ severity }) => BLOCKING.has(severity))
    .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
}

const orderId = '019ac5a4-7a9e-7cc1-8e11-000000000001';
const payloads = {
  OrderPlaced: { orderId, customerId: 'c-1', items: [{ sku: 'MUG', quantity: 2 }] },
  OrderShipped: { orderId },
  OrderDelivered: { orderId },
  OrderCancelled: { orderId, reason: null },
};

function outboxEvent(type: keyof typeof payloads, payload: unknown = payloads[type]): OutboxEvent {
  return {
    position: '9007199254740993',
    eventId: '019ac5a4-7a9e-7cc1-8e11-3a1b2c3d4e5f',
    aggregateType: 'Order',
    aggregateId: orderId,
    aggregateVersion: 2,
    eventType: type,
    payload,
    metadata: {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      correlationId: 'r-1',
    },
    occurredAt: new Date('2026-11-27T10:00:00.000Z'),
  };
}

describe('the AsyncAPI document of the order events', () => {
  const document = buildAsyncApiDocument();

  it('passes the AsyncAPI parser without errors or warnings', async () => {
    expect(await problemsOf(document)).toEqual([]);
  });

  it('has a message for every event type on the NATS subjects too, with the nats binding', () => {
    const channel = (document.channels as Record<string, { address: string; messages: object }>)
      .orderEventsNats!;
    expect(channel.address).toBe('{prefix}.{partition}.{eventType}');
    expect(Object.keys(channel.messages).sort()).toEqual([...ORDER_EVENT_TYPES].sort());
    const operations = document.operations as Record<string, { bindings: object }>;
    expect(operations.publishOrderEvents!.bindings).toEqual({ nats: { bindingVersion: '0.1.0' } });
  });

  it('has a message for every event type, on the channel the relay sends to', () => {
    const channel = (document.channels as Record<string, { messages: object }>).orderEvents!;
    expect(Object.keys(channel.messages).sort()).toEqual([...ORDER_EVENT_TYPES].sort());
  });

  it.each(ORDER_EVENT_TYPES)('accepts the %s CloudEvent the relay builds', (type) => {
    const validate = eventSchemaValidator(document);
    const event = JSON.parse(JSON.stringify(toCloudEvent(outboxEvent(type)))) as unknown;
    expect(validate(event)).toEqual([]);
  });

  it('names, in each data schema, the dataschema URN the events carry', () => {
    const schemas = (document.components as { schemas: Record<string, { $id?: string }> }).schemas;
    for (const type of ORDER_EVENT_TYPES) {
      expect(schemas[`${type}Data`]!.$id).toBe(toCloudEvent(outboxEvent(type)).dataschema);
    }
  });

  it('refuses an event whose payload does not match its type', () => {
    const validate = eventSchemaValidator(document);
    const event = JSON.parse(JSON.stringify(toCloudEvent(outboxEvent('OrderPlaced', { orderId }))));
    expect(validate(event).join('\n')).toMatch(/customerId/);
  });

  it('would catch a document the parser refuses', async () => {
    const broken = structuredClone(document) as { operations: Record<string, { channel: object }> };
    broken.operations.deliverOrderEvents!.channel = { $ref: '#/channels/nowhere' };
    expect(await problemsOf(broken)).not.toEqual([]);
  });
});
