import { trace } from '@opentelemetry/api';

/**
 * The ids of the span active where a log line is written (the pino mixin of every logger), so that
 * a line can be found from its trace and the other way round. Nothing when no span is active, which
 * is always the case with tracing off. A fresh object each time: pino merges the line's own fields
 * into it.
 */
export function activeSpanFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
