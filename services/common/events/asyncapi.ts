import { componentSchemasFor, type JsonSchema } from '../http/openapi/component-schemas.js';
import { CLOUDEVENTS_BATCH_CONTENT_TYPE } from './cloud-event.js';
// Registers each type's CloudEvent and data schemas (`<Type>CloudEvent`, `<Type>Data`).
import './cloud-event-schema.js';
import { dataSchemaUri } from './data-schema.js';
import { ORDER_EVENT_TYPES, type OrderEventType } from './order-events.js';

export const ASYNCAPI_CHANNEL = 'orderEvents';
/** The same events published to NATS JetStream, one per message, for a nats:// subscription. */
export const ASYNCAPI_NATS_CHANNEL = 'orderEventsNats';

/** The component that describes one event type's whole CloudEvent, and the one of its data. */
export const cloudEventComponent = (type: OrderEventType) => `${type}CloudEvent`;
export const dataComponent = (type: OrderEventType) => `${type}Data`;

const SUMMARIES: Record<OrderEventType, string> = {
  OrderPlaced: 'A Pending order was placed: it is Processing, with its customer and items',
  OrderShipped: 'A Processing order was shipped',
  OrderDelivered: 'A Shipped order was delivered',
  OrderCancelled: 'A Pending or Processing order was cancelled, with the reason given if any',
};

/**
 * The AsyncAPI 3.0 document of the order events: one channel, the `/events` endpoint of each
 * subscription, where the relay sends every event type as a CloudEvent. Payload schemas come from
 * the same zod schemas the subscribers validate with; each data schema's `$id` is the URN the
 * events carry in `dataschema`.
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const messages = Object.fromEntries(
    ORDER_EVENT_TYPES.map((type) => [
      type,
      {
        name: type,
        title: type,
        summary: SUMMARIES[type],
        contentType: 'application/cloudevents+json',
        payload: { $ref: `#/components/schemas/${cloudEventComponent(type)}` },
      },
    ]),
  );
  const schemas = componentSchemasFor(Object.values(messages), 'draft-7');
  for (const type of ORDER_EVENT_TYPES) {
    const data = schemas[dataComponent(type)] as JsonSchema;
    schemas[dataComponent(type)] = { $id: dataSchemaUri(type), ...data };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Order events',
      version: '1.0.0',
      description:
        'What the relay delivers from the outbox to each subscription: the domain events of orders as ' +
        `CloudEvents 1.0, in batches (a JSON array, ${CLOUDEVENTS_BATCH_CONTENT_TYPE}) POSTed to the ` +
        "subscription's endpoint and signed per Standard Webhooks (webhook-id, webhook-timestamp, " +
        'webhook-signature). Events come in commit order per subscription, at least once: subscribers ' +
        'deduplicate by event id. The relay admin API documents the HTTP side as its orderEvents webhook. ' +
        'A subscription whose endpoint is a nats:// URL gets the same CloudEvents published to NATS ' +
        'JetStream instead, one per message (orderEventsNats).',
    },
    defaultContentType: 'application/cloudevents+json',
    channels: {
      [ASYNCAPI_CHANNEL]: {
        address: '/events',
        title: "A subscription's events endpoint",
        description:
          'The path of each subscriber service (the subscription records the full URL). Each message ' +
          'is one event of the batch.',
        messages: Object.fromEntries(
          ORDER_EVENT_TYPES.map((type) => [type, { $ref: `#/components/messages/${type}` }]),
        ),
      },
      [ASYNCAPI_NATS_CHANNEL]: {
        address: '{prefix}.{partition}.{eventType}',
        title: "A NATS subscription's subjects",
        description:
          'One message per event: its data is one CloudEvent as JSON (structured content mode, ' +
          'Content-Type application/cloudevents+json; charset=utf-8), with the headers Nats-Msg-Id ' +
          '(the event id: JetStream drops a republish within its duplicate window) and traceparent. ' +
          'No webhook signature: NATS authenticates the publisher. In outbox order on each subject.',
        parameters: {
          prefix: { description: "The subject prefix, the path of the subscription's nats:// URL" },
          partition: { description: "The order's partition of the subscription (0 when it has one)" },
          eventType: { enum: [...ORDER_EVENT_TYPES], description: 'The CloudEvent type' },
        },
        messages: Object.fromEntries(
          ORDER_EVENT_TYPES.map((type) => [type, { $ref: `#/components/messages/${type}` }]),
        ),
      },
    },
    operations: {
      deliverOrderEvents: {
        action: 'send',
        title: 'The relay delivers a batch',
        channel: { $ref: `#/channels/${ASYNCAPI_CHANNEL}` },
        messages: ORDER_EVENT_TYPES.map((type) => ({
          $ref: `#/channels/${ASYNCAPI_CHANNEL}/messages/${type}`,
        })),
        bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
      },
      publishOrderEvents: {
        action: 'send',
        title: 'The relay publishes a batch to JetStream, one message per event',
        channel: { $ref: `#/channels/${ASYNCAPI_NATS_CHANNEL}` },
        messages: ORDER_EVENT_TYPES.map((type) => ({
          $ref: `#/channels/${ASYNCAPI_NATS_CHANNEL}/messages/${type}`,
        })),
        bindings: { nats: { bindingVersion: '0.1.0' } },
      },
    },
    components: { messages, schemas },
  };
}
