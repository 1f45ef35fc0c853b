import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { activeSpanFields } from './tracing/active-span-fields.js';

export type { Logger };

/**
 * JSON lines on stdout, one per event of interest, each tagged with the service that wrote it and,
 * when written inside a span, its trace_id and span_id. The CLI logs to stderr instead
 * (`to: 'stderr'`): its stdout is its output (tables, JSON) for scripts. Tests pass a stream.
 */
export function createLogger(
  service: string,
  level: string = 'info',
  to: 'stdout' | 'stderr' | DestinationStream = 'stdout',
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: activeSpanFields,
  };
  if (to === 'stdout') return pino(options);
  return pino(options, to === 'stderr' ? pino.destination(2) : to);
}
