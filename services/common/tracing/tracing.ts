import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Whether this process records spans, and how to flush what it recorded on the way out. */
export type Tracing = { enabled: boolean; shutdown(): Promise<void> };

const TRACING_OFF: Tracing = { enabled: false, shutdown: () => Promise.resolve() };

let on = false;

/**
 * Whether a tracer provider is registered. The few places that trace check it first, so that with
 * tracing off they skip even the no-op spans the API would hand out (and the header parsing).
 */
export function isTracingOn(): boolean {
  return on;
}

/**
 * Tracing for a service process, from the standard OpenTelemetry variables: off (nothing registered,
 * the API's tracers are no-ops) unless OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-only
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; then spans go there as OTLP/HTTP JSON, in batches, under
 * OTEL_SERVICE_NAME or the service's own name. The exporter reads its other OTEL_EXPORTER_OTLP_*
 * variables (headers, timeout) itself.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return TRACING_OFF;
  return registerTracing(env.OTEL_SERVICE_NAME || service, new BatchSpanProcessor(new OTLPTraceExporter()));
}

/**
 * Registers a tracer provider for this process (context manager and W3C propagator included) that
 * hands every ended span to `processor`. startTracing's exporter in a service; an in-memory one in
 * tests. `shutdown` flushes, then unregisters everything, so tracing is off again.
 */
export function registerTracing(service: string, processor: SpanProcessor): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    spanProcessors: [processor],
    // Unless OTEL_TRACES_SAMPLER says otherwise (the SDK then reads it), every request is recorded,
    // even under a caller's parent marked "not sampled": that flag is the caller's choice for its
    // own trace, and it would otherwise travel with the event and switch off the relay's delivery
    // span, and so every subscriber's apply span, for all the other orders in that batch.
    ...(process.env.OTEL_TRACES_SAMPLER
      ? {}
      : {
          sampler: new ParentBasedSampler({
            root: new AlwaysOnSampler(),
            remoteParentNotSampled: new AlwaysOnSampler(),
          }),
        }),
  });
  provider.register();
  on = true;
  return {
    enabled: true,
    shutdown: async () => {
      on = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
