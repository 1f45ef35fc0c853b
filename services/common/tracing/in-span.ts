import { SpanStatusCode, type Attributes, type SpanKind } from '@opentelemetry/api';
import { spanTime } from './span-time.js';
import { isTracingOn } from './tracing.js';
import { tracer } from './tracer.js';

/**
 * Runs `work` inside a child span of the active one (a database write, say), ended when it settles
 * and marked as an error when it throws. With tracing off, just runs it.
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  work: () => Promise<T>,
): Promise<T> {
  if (!isTracingOn()) return work();
  return tracer.startActiveSpan(name, { ...options, startTime: spanTime() }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end(spanTime());
    }
  });
}
