import { toCloudEvent } from '../../common/events/cloud-event.js';
import type { OutboxEvent } from '../../common/events/outbox-event.js';
import { eventSubject } from '../../common/nats/subjects.js';
import type { TraceHeaders } from '../../common/tracing/trace-headers.js';

/** The CloudEvents NATS protocol binding's structured content mode: the data is one CloudEvent. */
export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export type NatsMessage = {
  subject: string;
  data: Uint8Array;
  /** Nats-Msg-Id: JetStream drops a republish of the same id within the duplicate window. */
  msgId: string;
  /** Other headers: Content-Type and the trace context. */
  headers: Record<string, string>;
};

const encoder = new TextEncoder();

/**
 * One event as one message: the same CloudEvent JSON as one element of an HTTP batch, on
 * `<prefix>.<partition>.<type>`. No webhook signature: NATS authenticates the publisher itself.
 */
export function buildNatsMessage(
  prefix: string,
  partition: number,
  event: OutboxEvent,
  propagated?: TraceHeaders,
): NatsMessage {
  const headers: Record<string, string> = { 'Content-Type': CLOUDEVENT_CONTENT_TYPE };
  // The relay's delivery span when tracing is on, else the event's own context; the CloudEvent
  // inside keeps the event's own either way.
  const trace = propagated?.traceparent ? propagated : event.metadata;
  if (trace.traceparent) headers.traceparent = trace.traceparent;
  if (trace.tracestate) headers.tracestate = trace.tracestate;
  return {
    subject: eventSubject(prefix, partition, event.eventType),
    data: encoder.encode(JSON.stringify(toCloudEvent(event))),
    msgId: event.eventId,
    headers,
  };
}

/** What the server counts against max_payload and a stream's max_msg_size: data and headers. */
export function messageSize(message: NatsMessage): number {
  // NATS/1.0 line, each "Key: value\r\n", Nats-Msg-Id among them, and the closing blank line.
  let headerBytes = 'NATS/1.0\r\n\r\n'.length + `Nats-Msg-Id: ${message.msgId}\r\n`.length;
  for (const [key, value] of Object.entries(message.headers))
    headerBytes += Buffer.byteLength(`${key}: ${value}\r\n`);
  return message.data.byteLength + headerBytes;
}
