import net from 'node:net';
import { statementRun, wireMessageReader } from './pg-wire-messages.js';

/**
 * A TCP proxy between a pool and PostgreSQL that loses connections on cue, the way a network or a
 * server restart does: the client sees `Connection terminated`, while the server may well have
 * committed what it was sent. Test support only.
 */
export type ConnectionCuttingProxy = {
  /** The database URL, routed through the proxy. */
  url: string;
  /**
   * Lets the next statement matching `statement` run to the end (committed, if it is a write
   * outside a transaction or a COMMIT), then closes the client's connection instead of forwarding
   * the response. With `thenGoDown`, the proxy goes down at that moment (see goDown). Resolves
   * once the connection has been cut.
   */
  cutAfterResponse(statement: RegExp, options?: { thenGoDown?: boolean }): Promise<void>;
  /**
   * Forwards the next statement matching `statement` and closes the client's connection at once:
   * the server still runs the statement (it notices the lost client only when it next reads or
   * writes), so it may commit after the client has seen the connection fail. Resolves once cut.
   */
  cutBeforeResponse(statement: RegExp): Promise<void>;
  /** Drops every open connection and closes each new one at once: the database is unreachable. */
  goDown(): void;
  comeUp(): void;
  /** How many connections the proxy has cut on cue. */
  readonly cuts: number;
  close(): Promise<void>;
};

type Cue = {
  statement: RegExp;
  when: 'after-response' | 'before-response';
  thenGoDown: boolean;
  cut: () => void;
};

export async function startConnectionCuttingProxy(targetUrl: string): Promise<ConnectionCuttingProxy> {
  const target = new URL(targetUrl);
  const socketFolder = target.searchParams.get('host');
  const connectUpstream = () =>
    socketFolder?.startsWith('/')
      ? net.connect({ path: `${socketFolder}/.s.PGSQL.${target.port || 5432}` })
      : net.connect({ host: target.hostname, port: Number(target.port || 5432) });

  const open = new Set<net.Socket>();
  let cue: Cue | undefined;
  let down = false;
  let cuts = 0;

  const goDown = () => {
    down = true;
    for (const socket of open) socket.destroy();
  };

  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connectUpstream();
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // A cut connection errors on the other side; that is the point, not a failure of the test.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const fromClient = wireMessageReader({ startsWithStartupMessage: true });
    const fromServer = wireMessageReader({ startsWithStartupMessage: false });
    const prepared = new Map<string, string>();
    let cutting: Cue | undefined;

    client.on('data', (chunk: Buffer) => {
      for (const message of fromClient.push(chunk)) {
        const text = statementRun(message, prepared);
        if (!cutting && cue && text !== undefined && cue.statement.test(text)) {
          cutting = cue;
          cue = undefined;
        }
      }
      upstream.write(chunk);
      if (cutting?.when === 'before-response') {
        client.destroy();
        // end(), not destroy(): what was just written must still reach the server.
        upstream.end();
        cutting.cut();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      const messages = fromServer.push(chunk);
      if (!cutting) {
        client.write(chunk);
        return;
      }
      // Withhold the response; once the server says it is ready again, the statement is done.
      if (cutting.when === 'after-response' && messages.some((message) => message.type === 'Z')) {
        client.destroy();
        upstream.destroy();
        if (cutting.thenGoDown) goDown();
        cutting.cut();
      }
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  const proxied = new URL(targetUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  proxied.searchParams.delete('host');

  const arm = (statement: RegExp, when: Cue['when'], thenGoDown: boolean) =>
    new Promise<void>((resolve) => {
      if (cue) throw new Error('the proxy is already armed');
      cue = {
        statement,
        when,
        thenGoDown,
        cut: () => {
          cuts++;
          resolve();
        },
      };
    });

  return {
    url: proxied.toString(),
    cutAfterResponse: (statement, options = {}) =>
      arm(statement, 'after-response', options.thenGoDown ?? false),
    cutBeforeResponse: (statement) => arm(statement, 'before-response', false),
    goDown,
    comeUp: () => {
      down = false;
    },
    get cuts() {
      return cuts;
    },
    close: async () => {
      cue = undefined;
      goDown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
