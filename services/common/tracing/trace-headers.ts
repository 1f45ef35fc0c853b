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

/** Links to the spans the headers name (the traces of a batch's events), skipping those naming none. */
export function linksFromHeaders(list: readonly TraceHeaders[]): Link[] {
  const links: Link[] = [];
  for (const headers of list) {
    if (!headers.traceparent) continue;
    const spanContext = trace.getSpanContext(contextFromHeaders(headers));
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}
