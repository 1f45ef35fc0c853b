import { CLOUDEVENTS_BATCH_CONTENT_TYPE, toCloudEvent } from '../../common/events/cloud-event.js';
import type { OutboxEvent } from '../../common/events/outbox-event.js';
import { signWebhook, type WebhookSecrets } from '../../common/events/webhook-signature.js';
import type { TraceHeaders } from '../../common/tracing/trace-headers.js';
import type { HttpDeliveryRequest } from './http-transport.js';

/**
 * The delivery contract: a JSON array of CloudEvents, signed per Standard Webhooks, with a
 * traceparent so the subscriber's work joins the trace of the order request: the relay's delivery
 * span (`propagated`) when tracing is on, else the first event's own. The body is serialised once
 * per batch; the signature covers exactly those bytes.
 */
export function buildDeliveryRequest(
  endpointUrl: string,
  secrets: WebhookSecrets,
  events: readonly OutboxEvent[],
  now: Date,
  propagated?: TraceHeaders,
): HttpDeliveryRequest {
  const first = events[0];
  if (!first) throw new Error('a delivery needs at least one event');
  const body = JSON.stringify(events.map(toCloudEvent));
  // Stable across retries of the same batch, as the spec asks of webhook-id.
  const messageId = events.length === 1 ? first.eventId : `${first.eventId}+${events.length - 1}`;
  const headers: Record<string, string> = {
    'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE,
    'user-agent': 'order-outbox-relay',
    ...signWebhook(secrets, messageId, body, now),
  };
  const trace = propagated?.traceparent ? propagated : first.metadata;
  if (trace.traceparent) headers.traceparent = trace.traceparent;
  if (trace.tracestate) headers.tracestate = trace.tracestate;
  return { url: endpointUrl, headers, body };
}
