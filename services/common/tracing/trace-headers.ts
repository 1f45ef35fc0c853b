import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Link,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C Trace Context as it travels: in HTTP and NATS headers, on each event, in each CloudEvent. */
export type TraceHeaders = { traceparent?: string; tracestate?: string };

// Used directly rather than through the global propagator: the format is the contract (stored with
// each event, sent to subscribers), whatever propagators a process registers.
const w3c = new W3CTraceContextPropagator();

/** The trace context of `ctx` (its active span) as headers; empty when it has no valid span. */
export function traceHeadersOf(ctx: Context): TraceHeaders {
  const headers: TraceHeaders = {};
  w3c.inject(ctx, headers, defaultTextMapSetter);
  return headers;
}

/** A context whose (remote) parent span is the one the headers name; `ctx` unchanged without one. */
export function contextFromHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  ctx: Context = ROOT_CONTEXT,
): Context {
  return w3c.extract(ctx, headers, defaultTextMapGetter);
}

/** A link to the span the headers name (an event's trace, from a batch), or undefined without one. */
export function linkFromHeaders(headers: TraceHeaders): Link | undefined {
  if (!headers.traceparent) return undefined;
  const spanContext = trace.getSpanContext(contextFromHeaders(headers));
  return spanContext ? { context: spanContext } : undefined;
}
