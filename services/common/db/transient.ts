/**
 * PostgreSQL failures that succeed when simply tried again: serialization failure, deadlock,
 * "cannot connect now" during start-up, and connections lost under our feet (a server restart).
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '08000', '08003', '08006']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const CONNECTION_LOST_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error',
  'timeout exceeded when trying to connect',
];

export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code)))
    return true;
  // Over a Unix socket, a server that is down (restarting) has removed its socket file: connecting
  // fails with ENOENT where TCP would say ECONNREFUSED.
  if (code === 'ENOENT' && syscall === 'connect') return true;
  return CONNECTION_LOST_MESSAGES.some((text) => error.message.includes(text));
}

export type RetryOptions = {
  attempts?: number;
  baseMs?: number;
  capMs?: number;
  /** Which failures to retry; transient database errors unless told otherwise. */
  retryOn?: (error: unknown) => boolean;
};

/**
 * Runs `work`, retrying transient database errors with capped exponential backoff and full jitter.
 * When the attempts run out, the last error is thrown.
 */
export async function withTransientRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, baseMs = 20, capMs = 1_000, retryOn = isTransientDatabaseError } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !retryOn(error)) throw error;
      const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
