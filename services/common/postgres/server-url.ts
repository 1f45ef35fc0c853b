export type ServerAddress = {
  user: string;
  password: string;
  port: number;
  /** The folder of the server's Unix socket; undefined: TCP on 127.0.0.1. */
  socketFolder: string | undefined;
};

/**
 * The URL of the embedded server's `postgres` database. With a socket folder it is
 * `postgres://user:pw@127.0.0.1:<port>/postgres?host=<encoded folder>`: node-postgres (through
 * pg-connection-string) and libpq both let the `host` query parameter override the URL's host, and a
 * host starting with `/` means a Unix socket in that folder, named after the port. Why this form:
 * - it is an ordinary URL, so `new URL()`, our `postgres://` validation and the database-name swap
 *   (`withDatabaseName` sets the pathname and keeps the query) treat it like any other;
 * - a tool that ignores `host=` still reaches the same server, over TCP on 127.0.0.1.
 * encodeURIComponent matters: URLSearchParams would read a bare `+` in a folder name as a space.
 */
export function embeddedServerUrl(address: ServerAddress): string {
  const tcp = `postgres://${encodeURIComponent(address.user)}:${encodeURIComponent(address.password)}@127.0.0.1:${address.port}/postgres`;
  return address.socketFolder ? `${tcp}?host=${encodeURIComponent(address.socketFolder)}` : tcp;
}
