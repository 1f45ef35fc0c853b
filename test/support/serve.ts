import type { Express } from 'express';
import { boundPort, closeServer, listen } from '../../services/common/http/listen.js';

export type Served = { baseUrl: string; close(): Promise<void> };

/** Serves an app on a free loopback port, over real HTTP. */
export async function serve(app: Express): Promise<Served> {
  const server = await listen(app, 0, '127.0.0.1');
  return { baseUrl: `http://127.0.0.1:${boundPort(server)}`, close: () => closeServer(server) };
}
