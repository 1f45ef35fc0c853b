import { context, trace } from '@opentelemetry/api';
import type { Clock } from '../../common/clock.js';
import { traceHeadersOf } from '../../common/tracing/trace-headers.js';
import { spanTime } from '../../common/tracing/span-time.js';
import { classifyFailure } from './classify-failure.js';
import { buildDeliveryRequest } from './delivery-request.js';
import type { HttpTransport } from './http-transport.js';
import { parseRetryAfter } from './retry-policy.js';
import type { Delivery, DeliveryOutcome, Transport } from './transport.js';

/** The webhook transport: one signed POST per batch, its answer classified. */
export function createHttpDelivery(http: HttpTransport, clock: Clock): Transport {
  return {
    deliver: async (delivery: Delivery): Promise<DeliveryOutcome> => {
      // The delivery span (trace-delivery.ts), when tracing is on: the subscriber's span joins it.
      const span = trace.getActiveSpan();
      const request = buildDeliveryRequest(
        delivery.endpointUrl,
        delivery.secrets,
        delivery.events,
        clock(),
        span && traceHeadersOf(context.active()),
      );
      span?.addEvent('sent', spanTime());
      const result = await http.post(request);
      span?.addEvent('response', spanTime());
      if (result.kind === 'network-error')
        return {
          kind: 'failed',
          failure: classifyFailure(result),
          error: result.error,
          statusCode: null,
          retryAfterMs: undefined,
        };
      if (result.status >= 200 && result.status < 300) return { kind: 'delivered' };
      return {
        kind: 'failed',
        failure: classifyFailure(result),
        error: `HTTP ${result.status}${result.bodyExcerpt ? `: ${result.bodyExcerpt}` : ''}`,
        statusCode: result.status,
        retryAfterMs: parseRetryAfter(result.retryAfter, clock()),
      };
    },
    close: () => {
      http.close();
      return Promise.resolve();
    },
  };
}
