import { CloudEvent, type CloudEventV1 } from 'cloudevents';
import { dataSchemaUri } from './data-schema.js';
import { isOrderEventType } from './order-events.js';
import type { OutboxEvent } from './outbox-event.js';

/** The body of a delivery: a JSON array of CloudEvents 1.0 in structured mode. */
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/** `source` of every event the Order service emits. */
export const ORDER_EVENT_SOURCE = '/order-outbox/order-api';

/**
 * Extension attributes we add (CloudEvents names: lowercase letters and digits only):
 * `position` the outbox position (decimal string), `aggregateversion` the order's version after the
 * event, `correlationid` and `traceparent`/`tracestate` (the distributed-tracing extension).
 */
export type OrderCloudEvent = CloudEventV1<unknown> & {
  position: string;
  aggregateversion: number;
  traceparent?: string;
  tracestate?: string;
  correlationid?: string;
};

/**
 * Maps an outbox row to its CloudEvent. A plain object typed by the cloudevents package's own
 * interface: the relay builds thousands per second and the rows are already valid by construction.
 */
export function toCloudEvent(event: OutboxEvent): OrderCloudEvent {
  const cloudEvent: OrderCloudEvent = {
    specversion: '1.0',
    id: event.eventId,
    source: ORDER_EVENT_SOURCE,
    type: event.eventType,
    subject: event.aggregateId,
    time: event.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    data: event.payload,
    position: event.position,
    aggregateversion: event.aggregateVersion,
  };
  // Every type the Order service writes has a schema; a row of another type goes out without one.
  if (isOrderEventType(event.eventType)) cloudEvent.dataschema = dataSchemaUri(event.eventType);
  if (event.metadata.traceparent) cloudEvent.traceparent = event.metadata.traceparent;
  if (event.metadata.tracestate) cloudEvent.tracestate = event.metadata.tracestate;
  if (event.metadata.correlationId) cloudEvent.correlationid = event.metadata.correlationId;
  return cloudEvent;
}

export type BatchParseResult = { ok: true; events: CloudEvent<unknown>[] } | { ok: false; reason: string };

/**
 * Reads a delivered batch with the cloudevents package, which checks every required attribute and
 * the spec version. Anything that is not a non-empty array of valid CloudEvents is refused.
 */
export function parseCloudEventBatch(body: unknown): BatchParseResult {
  if (!Array.isArray(body)) return { ok: false, reason: 'the body must be a JSON array of CloudEvents' };
  if (body.length === 0) return { ok: false, reason: 'the batch is empty' };
  const events: CloudEvent<unknown>[] = [];
  for (const [index, candidate] of body.entries()) {
    if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
      return { ok: false, reason: `event ${index} is not an object` };
    }
    try {
      events.push(new CloudEvent(candidate as CloudEventV1<unknown>, true));
    } catch (error) {
      const detail = (error as { errors?: unknown }).errors ?? (error as Error).message;
      return { ok: false, reason: `event ${index} is not a valid CloudEvent: ${JSON.stringify(detail)}` };
    }
  }
  return { ok: true, events };
}
