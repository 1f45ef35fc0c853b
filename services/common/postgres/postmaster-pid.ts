import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { socketPath } from './unix-socket.js';

/** How to reach a running server: its TCP port, and the folder of its Unix socket if we can use one. */
export type ServerEndpoint = { port: number; socketFolder: string | undefined };

/**
 * Reads postmaster.pid, which the server keeps up to date in its cluster folder. Its lines (PostgreSQL's
 * LOCK_FILE_LINE_*): 1 pid, 2 cluster folder, 3 start time, 4 port, 5 the first Unix socket folder it
 * created (empty when it has none), 6 listen address, 7 shared memory key, 8 status.
 */
export function parsePostmasterPid(text: string, dataDir: string): ServerEndpoint | undefined {
  const lines = text.split('\n');
  const port = Number(lines[3]);
  if (!Number.isInteger(port) || port <= 0) return undefined;
  const folder = lines[4]?.trim();
  // A relative socket folder is relative to the cluster folder, the server's working directory.
  return { port, socketFolder: folder ? resolve(dataDir, folder) : undefined };
}

/**
 * The endpoint of the server running on `dataDir`. The socket folder is kept only when its socket file
 * is there for us to see: a server started before we used sockets (an earlier `npm start` still
 * running) has none, and then TCP, which every server of ours listens on, is the way in.
 */
export function readServerEndpoint(dataDir: string): ServerEndpoint | undefined {
  const endpoint = parsePostmasterPid(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), dataDir);
  if (!endpoint?.socketFolder) return endpoint;
  return existsSync(socketPath(endpoint.socketFolder, endpoint.port))
    ? endpoint
    : { ...endpoint, socketFolder: undefined };
}
