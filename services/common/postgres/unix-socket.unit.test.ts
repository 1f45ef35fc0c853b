import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { MAX_SOCKET_PATH_BYTES, socketFolderFor, socketPath } from './unix-socket.js';

/** An absolute folder whose socket path for `port` is exactly `bytes` long. */
function folderWithSocketPathOf(bytes: number, port: number): string {
  const fixed = socketPath('/', port).length;
  return `/${'d'.repeat(bytes - fixed)}`;
}

describe("the embedded server's Unix socket folder", () => {
  it('is the cluster folder itself, as an absolute path', () => {
    expect(socketFolderFor('/var/tmp/outbox/postgres', 5432)).toBe('/var/tmp/outbox/postgres');
    expect(socketFolderFor('.data/postgres', 5432)).toBe(join(process.cwd(), '.data/postgres'));
  });

  it('is where PostgreSQL puts .s.PGSQL.<port>', () => {
    expect(socketPath('/var/tmp/outbox/postgres', 54321)).toBe('/var/tmp/outbox/postgres/.s.PGSQL.54321');
  });

  it('is used up to the longest socket path the system allows', () => {
    const folder = folderWithSocketPathOf(MAX_SOCKET_PATH_BYTES, 54321);
    expect(socketPath(folder, 54321)).toHaveLength(MAX_SOCKET_PATH_BYTES);
    expect(socketFolderFor(folder, 54321)).toBe(folder);
  });

  it('is none (TCP only) when the socket path would be one byte too long', () => {
    const folder = folderWithSocketPathOf(MAX_SOCKET_PATH_BYTES + 1, 54321);
    expect(socketFolderFor(folder, 54321)).toBeUndefined();
    // The port's digits count too: the same folder fits with a shorter port
    expect(socketFolderFor(folder, 5432)).toBe(folder);
  });

  it('counts bytes, not characters', () => {
    const ascii = folderWithSocketPathOf(MAX_SOCKET_PATH_BYTES, 54321);
    const accented = ascii.replace('d', 'é'); // as many characters, one byte more
    expect(socketFolderFor(accented, 54321)).toBeUndefined();
  });
});
