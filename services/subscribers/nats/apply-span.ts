import { context, SpanKind, SpanStatusCode, trace, type Link, type Span } from '@opentelemetry/api';
import {
  contextFromHeaders,
  linkFromHeaders,
  type TraceHeaders,
} from '../../common/tracing/trace-headers.js';
import { isTracingOn } from '../../common/tracing/tracing.js';
import { spanTime } from '../../common/tracing/span-time.js';
import { tracer } from '../../common/tracing/tracer.js';
import type { PulledMessage } from './pull-messages.js';

/**
 * The apply span of a pulled batch, as POST /events has one per delivered batch: a child of the
 * first message's traceparent header (the relay's delivery span, or the event's own context when
 * the relay does not trace), linked to every other message's. Active while `work` runs, which marks
 * "committed" on it. With tracing off, just runs `work`.
 */
export function inApplySpan<T>(
  name: string,
  messages: readonly PulledMessage[],
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!isTracingOn()) return work(undefined);
  const headers = messages.map(traceHeadersOf);
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const each of headers.slice(1)) {
    if (!each.traceparent || each.traceparent === headers[0]?.traceparent || seen.has(each.traceparent))
      continue;
    seen.add(each.traceparent);
    const link = linkFromHeaders(each);
    if (link) links.push(link);
  }
  const parent = contextFromHeaders(headers[0] ?? {});
  const span = tracer.startSpan(
    `apply ${name}`,
    {
      kind: SpanKind.CONSUMER,
      startTime: spanTime(),
      links,
      attributes: { 'messaging.system': 'nats', 'messaging.batch.message_count': messages.length },
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end(spanTime());
    }
  });
}

function traceHeadersOf({ msg }: PulledMessage): TraceHeaders {
  const traceparent = msg.headers?.get('traceparent');
  const tracestate = msg.headers?.get('tracestate');
  return { ...(traceparent ? { traceparent } : {}), ...(tracestate ? { tracestate } : {}) };
}
