import { CLOUDEVENTS_BATCH_CONTENT_TYPE, toCloudEvent } from '../../common/events/cloud-event.js';
import type { OutboxEvent } from '../../common/events/outbox-event.js';
import { signWebhook, type WebhookSecrets } from '../../common/events/webhook-signature.js';
import type { HttpDeliveryRequest } from './http-transport.js';

/**
 * The delivery contract: a JSON array of CloudEvents, signed per Standard Webhooks, with
 * the first event's traceparent so the subscriber's work joins the trace of the order request. The
 * body is serialised once per batch; the signature covers exactly those bytes.
 */
export function buildDeliveryRequest(
  endpointUrl: string,
  secrets: WebhookSecrets,
  events: readonly OutboxEvent[],
  now: Date,
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
  if (first.metadata.traceparent) headers.traceparent = first.metadata.traceparent;
  if (first.metadata.tracestate) headers.tracestate = first.metadata.tracestate;
  return { url: endpointUrl, headers, body };
}
