import type { Link } from '@opentelemetry/api';
import type { CloudEvent } from 'cloudevents';
import { linksFromHeaders } from '../../common/tracing/trace-headers.js';

/**
 * Links from an apply span to the trace of each event of its batch (the CloudEvents distributed
 * tracing extension: the traceparent of the request that caused the event). The span itself is a
 * child of the delivery that carried the batch.
 */
export function eventLinks(events: readonly CloudEvent<unknown>[]): Link[] {
  return linksFromHeaders(
    events.map(({ traceparent, tracestate }) => ({
      ...(typeof traceparent === 'string' ? { traceparent } : {}),
      ...(typeof tracestate === 'string' ? { tracestate } : {}),
    })),
  );
}
