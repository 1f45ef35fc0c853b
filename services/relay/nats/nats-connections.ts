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
      // Without it the client gives up for good after two authentication errors in a row (a server
      // restarted with a briefly wrong account configuration), and the relay would never publish again.
      ignoreAuthErrorAbort: true,
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
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(connection, { timeout: options.timeoutMs });
    } catch (error) {
      // JetStream is off on that server, or the user may not use its API: the link is forgotten
      // (linkFor), so its connection must not stay open reconnecting for ever.
      await connection.close();
      throw error;
    }
    return {
      connection,
      js: jetstream(connection, { timeout: options.timeoutMs }),
      jsm,
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
        link.then(
          // A connection that ended for good (closed by the server past every retry) is forgotten
          // too, so that the next use opens a new one instead of failing on the closed one for ever.
          (opened) =>
            void opened.connection.closed().then(() => links.get(key) === link && links.delete(key)),
          () => links.delete(key),
        );
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
