import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, one per event of interest, each tagged with the service that wrote it. */
export function createLogger(service: string, level: string = 'info'): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
