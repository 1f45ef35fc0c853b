import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../common/logger.js';
import type { NatsEndpoint } from '../../common/nats/nats-endpoint.js';

export type NatsLink = {
  connection: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** False between a disconnect and the client's reconnect: publishing then would only time out. */
  isConnected(): boolean;
};

export type NatsConnections = {
  /** The one connection to the endpoint's server (with its credentials), opened on first use. */
  linkFor(endpoint: NatsEndpoint): Promise<NatsLink>;
  close(): Promise<void>;
};

/**
 * One connection per server (and credentials), shared by every stream that publishes there. The
 * client reconnects by itself, for ever; a first connect that fails is forgotten so that the next
 * use tries again.
 */
export function createNatsConnections(options: { timeoutMs: number; logger: Logger }): NatsConnections {
  const links = new Map<string, Promise<NatsLink>>();
  const { logger } = options;

  async function open(endpoint: NatsEndpoint): Promise<NatsLink> {
    const connection = await connect({
      servers: endpoint.servers,
      ...(endpoint.user === undefined ? {} : { user: endpoint.user }),
      ...(endpoint.password === undefined ? {} : { pass: endpoint.password }),
      name: 'outbox-relay',
      timeout: options.timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    let connected = true;
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') {
          connected = false;
          logger.warn({ server: endpoint.servers }, 'NATS connection lost; the client reconnects');
        } else if (status.type === 'reconnect') {
          connected = true;
          logger.info({ server: endpoint.servers }, 'NATS connection back');
        }
      }
    })();
    return {
      connection,
      js: jetstream(connection, { timeout: options.timeoutMs }),
      jsm: await jetstreamManager(connection, { timeout: options.timeoutMs }),
      isConnected: () => connected && !connection.isClosed(),
    };
  }

  return {
    linkFor: (endpoint) => {
      const key = `${endpoint.servers}|${endpoint.user ?? ''}|${endpoint.password ?? ''}`;
      let link = links.get(key);
      if (!link) {
        link = open(endpoint);
        links.set(key, link);
        link.catch(() => links.delete(key));
      }
      return link;
    },
    close: async () => {
      const opened = await Promise.allSettled(links.values());
      links.clear();
      for (const result of opened) if (result.status === 'fulfilled') await result.value.connection.close();
    },
  };
}
