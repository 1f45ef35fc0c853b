import { z } from 'zod';
import { ORDER_EVENT_SOURCE } from './cloud-event.js';
import { dataSchemaUri } from './data-schema.js';
import { ORDER_EVENT_TYPES, orderEventDataSchemas, type OrderEventType } from './order-events.js';

/**
 * An order event as a CloudEvent 1.0 in structured mode, as the relay delivers it and the Order
 * API lists it: the attributes and extensions toCloudEvent sets, with each type's own payload.
 * The OpenAPI and AsyncAPI documents are generated from these schemas.
 */
const envelope = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid().describe('The event id: subscribers deduplicate by it'),
  source: z.literal(ORDER_EVENT_SOURCE),
  subject: z.uuid().describe('The order id'),
  time: z.iso.datetime().describe('When the change was committed'),
  datacontenttype: z.literal('application/json'),
  position: z
    .string()
    .regex(/^\d+$/)
    .describe('Extension: the outbox position, a decimal string (it may exceed a JSON number)'),
  aggregateversion: z.number().int().min(1).describe("Extension: the order's version after this event"),
  traceparent: z
    .string()
    .optional()
    .describe('Extension (distributed tracing): W3C traceparent of the request'),
  tracestate: z
    .string()
    .optional()
    .describe('Extension (distributed tracing): W3C tracestate of the request'),
  correlationid: z
    .string()
    .optional()
    .describe('Extension: the X-Correlation-Id (or X-Request-Id) of the request that caused the event'),
});

/** The payload schema of one event type, with its id in the documents' components. */
export function eventDataSchema(type: OrderEventType) {
  return orderEventDataSchemas[type].meta({
    id: `${type}Data`,
    description: `The data of ${type}, schema ${dataSchemaUri(type)}`,
  });
}

function cloudEventOf<Type extends OrderEventType>(type: Type) {
  return envelope
    .extend({
      type: z.literal(type),
      dataschema: z.literal(dataSchemaUri(type)),
      data: eventDataSchema(type),
    })
    .meta({ id: `${type}CloudEvent` });
}

export const orderCloudEventSchemas = Object.fromEntries(
  ORDER_EVENT_TYPES.map((type) => [type, cloudEventOf(type)]),
) as { [Type in OrderEventType]: ReturnType<typeof cloudEventOf<Type>> };

export const orderCloudEventSchema = z
  .discriminatedUnion(
    'type',
    ORDER_EVENT_TYPES.map((type) => orderCloudEventSchemas[type]) as [
      ReturnType<typeof cloudEventOf>,
      ...ReturnType<typeof cloudEventOf>[],
    ],
  )
  .meta({ id: 'OrderCloudEvent', description: 'An order event, one of the types below by `type`' });
