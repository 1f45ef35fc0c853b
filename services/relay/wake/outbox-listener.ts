import pg from 'pg';
import type { Logger } from '../../common/logger.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../common/events/outbox-notify.js';

export type OutboxListener = {
  /** True while LISTEN is in place on a live connection. */
  isListening(): boolean;
  stop(): Promise<void>;
};

/**
 * LISTENs on the writers' channel with a dedicated connection (a pooled one would be handed back
 * and lose its LISTEN). When the connection is lost it reconnects with backoff, re-LISTENs and calls
 * `onWake` once more, since notifications sent while it was away are gone: the streams re-read.
 */
export function startOutboxListener(options: {
  databaseUrl: string;
  logger: Logger;
  onWake: () => void;
  applicationName?: string;
}): OutboxListener {
  const { logger, onWake } = options;
  let client: pg.Client | undefined;
  let listening = false;
  let stopped = false;
  let retryMs = 100;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const scheduleReconnect = () => {
    listening = false;
    if (stopped || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      application_name: options.applicationName ?? 'outbox-relay-listener',
    });
    client = next;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (!stopped) logger.warn({ err: error }, 'LISTEN connection lost; reconnecting');
      next.removeAllListeners('notification');
      void next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', () => onWake());
    try {
      await next.connect();
      await next.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      if (stopped || lost) return;
      listening = true;
      retryMs = 100;
      logger.info({ channel: OUTBOX_NOTIFY_CHANNEL }, 'listening for outbox notifications');
      onWake();
    } catch (error) {
      onLost(error as Error);
    }
  }

  void connect();
  return {
    isListening: () => listening,
    stop: async () => {
      stopped = true;
      listening = false;
      clearTimeout(reconnectTimer);
      await client?.end().catch(() => {});
    },
  };
}
