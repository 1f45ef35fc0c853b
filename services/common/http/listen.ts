import type { Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts listening and resolves once the port is bound (port 0 picks a free one). */
export function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    // Keep-alive longer than the usual client idle timeout so pooled connections are not cut mid-request.
    server.keepAliveTimeout = 65_000;
  });
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Stops accepting connections and resolves when in-flight requests have finished. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // close() drops the connections idle at that moment only: a keep-alive connection whose request
    // finishes later would stay open for keepAliveTimeout (65 s), past any shutdown deadline. So keep
    // dropping connections as they become idle until the server has closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close((error) => {
      clearInterval(sweep);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
