import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout, one per event of interest, each tagged with the service that wrote it. The
 * CLI logs to stderr instead (`to: 'stderr'`): its stdout is its output (tables, JSON) for scripts.
 */
export function createLogger(
  service: string,
  level: string = 'info',
  to: 'stdout' | 'stderr' = 'stdout',
): Logger {
  const options = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  return to === 'stderr' ? pino(options, pino.destination(2)) : pino(options);
}
