import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  contextFromHeaders,
  linksFromHeaders,
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
  // The other messages' contexts, each once, without the parent's own.
  const seen = new Set([headers[0]?.traceparent]);
  const others = headers.slice(1).filter(({ traceparent }) => {
    if (seen.has(traceparent)) return false;
    seen.add(traceparent);
    return true;
  });
  const links = linksFromHeaders(others);
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
