import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import type { EventMetadata } from '../../common/events/outbox-event.js';
import { spanOfRequest } from '../../common/tracing/request-span.js';
import { traceHeadersOf } from '../../common/tracing/trace-headers.js';

/** W3C Trace Context version 00 (lowercase hex, all-zero ids are invalid). */
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_HEADER_LENGTH = 512;

/**
 * The trace context and correlation id of a request, kept on the events it causes. With tracing on,
 * the context is the request's own span (a child of the caller's traceparent, if any), so the
 * relay's and subscribers' spans continue the request's trace; with it off, the caller's headers
 * are passed on as they came. Those are advisory: a malformed one is dropped, never a reason to
 * refuse the request.
 */
export function eventMetadataFrom(req: Request, res: Response): EventMetadata {
  const metadata: EventMetadata = {};
  const span = spanOfRequest(res);
  if (span) Object.assign(metadata, traceHeadersOf(trace.setSpan(ROOT_CONTEXT, span)));
  else Object.assign(metadata, callerTraceHeaders(req));
  const correlationId = correlationIdFrom(req);
  if (correlationId) metadata.correlationId = correlationId;
  return metadata;
}

function callerTraceHeaders(req: Request): Pick<EventMetadata, 'traceparent' | 'tracestate'> {
  const metadata: EventMetadata = {};
  const traceparent = req.get('traceparent')?.trim();
  if (traceparent && TRACEPARENT.test(traceparent)) {
    metadata.traceparent = traceparent;
    const tracestate = req.get('tracestate')?.trim();
    if (tracestate && tracestate.length <= MAX_HEADER_LENGTH) metadata.tracestate = tracestate;
  }
  return metadata;
}

export function correlationIdFrom(req: Request): string | undefined {
  const value = (req.get('x-correlation-id') ?? req.get('x-request-id'))?.trim();
  return value && value.length <= 200 ? value : undefined;
}
