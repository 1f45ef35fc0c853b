import type { Request } from 'express';
import type { EventMetadata } from '../../common/events/outbox-event.js';

/** W3C Trace Context version 00 (lowercase hex, all-zero ids are invalid). */
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_HEADER_LENGTH = 512;

/**
 * The trace context and correlation id a request carries, kept on the events it causes. Tracing
 * headers are advisory: a malformed one is dropped, never a reason to refuse the request.
 */
export function eventMetadataFrom(req: Request): EventMetadata {
  const metadata: EventMetadata = {};
  const traceparent = req.get('traceparent')?.trim();
  if (traceparent && TRACEPARENT.test(traceparent)) {
    metadata.traceparent = traceparent;
    const tracestate = req.get('tracestate')?.trim();
    if (tracestate && tracestate.length <= MAX_HEADER_LENGTH) metadata.tracestate = tracestate;
  }
  const correlationId = correlationIdFrom(req);
  if (correlationId) metadata.correlationId = correlationId;
  return metadata;
}

export function correlationIdFrom(req: Request): string | undefined {
  const value = (req.get('x-correlation-id') ?? req.get('x-request-id'))?.trim();
  return value && value.length <= 200 ? value : undefined;
}
