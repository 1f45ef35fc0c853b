export type ServerSettings = {
  port: number;
  /** Where the server creates its Unix socket; undefined: none, TCP only. */
  socketFolder: string | undefined;
  /** false trades crash safety for speed (fsync off): for throwaway test clusters only. */
  durable: boolean;
  /**
   * Slots for prepared transactions (PREPARE TRANSACTION); PostgreSQL's default, 0, refuses them.
   * The system never prepares one: only the test cluster allows them, to test the relay's fence.
   */
  maxPreparedTransactions?: number;
};

/**
 * The options `pg_ctl start -o` passes to the server. pg_ctl pastes them into a /bin/sh command line,
 * so the socket folder (a path: spaces, quotes) is shell-quoted, and double-quoted inside for
 * PostgreSQL, which reads unix_socket_directories as a comma-separated list.
 */
export function serverOptions(settings: ServerSettings): string {
  return [
    `-p ${settings.port}`,
    // TCP stays open alongside the socket: psql and other tools may rely on the port.
    '-c listen_addresses=127.0.0.1',
    settings.socketFolder
      ? `-c ${shellQuoted(`unix_socket_directories=${listElement(settings.socketFolder)}`)}`
      : // Explicitly none: the default folder (/tmp or /var/run/postgresql) may not exist or not be writable.
        "-c unix_socket_directories=''",
    '-c max_connections=300',
    ...(settings.maxPreparedTransactions
      ? [`-c max_prepared_transactions=${settings.maxPreparedTransactions}`]
      : []),
    ...(settings.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
}

function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** One element of a PostgreSQL list setting: double-quoted, inner double quotes doubled. */
function listElement(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}
