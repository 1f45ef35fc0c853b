import { resolve } from 'node:path';

/**
 * Longest path a Unix socket may have: sockaddr_un's sun_path holds 108 bytes on Linux and 104 on
 * macOS and the BSDs, one of them the terminating NUL. PostgreSQL checks the same limit.
 */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

/** The file PostgreSQL listens on in `folder`; libpq and node-postgres derive the same name from the port. */
export function socketPath(folder: string, port: number): string {
  return `${folder}/.s.PGSQL.${port}`;
}

/**
 * Where the embedded server should put its Unix socket: its own cluster folder, which the server user
 * owns (so it can create the socket) and which we created (so our processes can reach it, as the same
 * user or as root). Undefined when the socket's path would be too long: PostgreSQL then refuses to
 * create it, and a server that cannot create any of its Unix sockets does not start at all, so such a
 * server listens on TCP only.
 */
export function socketFolderFor(dataDir: string, port: number): string | undefined {
  const folder = resolve(dataDir);
  return Buffer.byteLength(socketPath(folder, port)) <= MAX_SOCKET_PATH_BYTES ? folder : undefined;
}
