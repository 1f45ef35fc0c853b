import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { OutboxEvent } from '../../common/events/outbox-event.js';
import { contextFromHeaders, linksFromHeaders } from '../../common/tracing/trace-headers.js';
import { spanTime } from '../../common/tracing/span-time.js';
import { isTracingOn } from '../../common/tracing/tracing.js';
import { tracer } from '../../common/tracing/tracer.js';
import type { Delivery, DeliveryOutcome } from './transport.js';

/** When the batch was read: the delivery span starts at `startedAt`; `doneAt` is its "read" event. */
export type BatchRead = { startedAt: number; doneAt: number };

/**
 * The relay's span of one delivery, from the read of its batch to the answer: a child of the first
 * event's context (the request that caused it), so the order's trace continues through the relay,
 * and linked to every event's context, so each event's trace reaches the batch that carried it
 * (up to the SDK's link limit, OTEL_SPAN_LINK_COUNT_LIMIT). Active while `send` runs: the transport
 * marks "sent" and "response" on it and propagates it to the subscriber. Times are performance.now()
 * readings. With tracing off, just sends.
 */
export function traceDelivery(
  delivery: Delivery,
  read: BatchRead | undefined,
  send: () => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome> {
  if (!isTracingOn()) return send();
  const first = delivery.events[0];
  const parent = first ? contextFromHeaders(traceHeadersOfEvent(first)) : context.active();
  const links = linksFromHeaders(delivery.events.map(traceHeadersOfEvent));
  const span = tracer.startSpan(
    `deliver ${delivery.subscription}`,
    {
      kind: SpanKind.PRODUCER,
      links,
      startTime: spanTime(read?.startedAt),
      attributes: {
        'messaging.destination.name': delivery.subscription,
        'messaging.batch.message_count': delivery.events.length,
        'outbox.partition': delivery.partition,
        'outbox.first_position': first?.position ?? '',
      },
    },
    parent,
  );
  if (read) span.addEvent('read', spanTime(read.doneAt));
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      const outcome = await send();
      span.setAttribute(
        'outbox.delivery.outcome',
        outcome.kind === 'delivered' ? 'delivered' : outcome.failure,
      );
      if (outcome.kind === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
      return outcome;
    } finally {
      span.end(spanTime());
    }
  });
}

function traceHeadersOfEvent(event: OutboxEvent) {
  const { traceparent, tracestate } = event.metadata;
  return { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) };
}
