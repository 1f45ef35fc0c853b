import { trace } from '@opentelemetry/api';

/**
 * The one tracer every span of the system comes from. A proxy: it records once a provider is
 * registered (tracing.ts), and is a no-op before that and without one.
 */
export const tracer = trace.getTracer('order-outbox');
