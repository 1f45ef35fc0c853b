import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePostmasterPid, readServerEndpoint } from './postmaster-pid.js';
import { socketPath } from './unix-socket.js';

/** postmaster.pid as PostgreSQL writes it, with `socketFolder` on line 5 ('' for none). */
function postmasterPid(port: number, socketFolder: string): string {
  return [
    '4242',
    '/data/pg',
    '1764272000',
    String(port),
    socketFolder,
    '127.0.0.1',
    '  5432001  32768',
    'ready   ',
    '',
  ].join('\n');
}

describe('postmaster.pid', () => {
  it('gives the port and the Unix socket folder of the running server', () => {
    expect(parsePostmasterPid(postmasterPid(54321, '/data/pg'), '/data/pg')).toEqual({
      port: 54321,
      socketFolder: '/data/pg',
    });
  });

  it('gives no socket folder for a server without Unix sockets', () => {
    expect(parsePostmasterPid(postmasterPid(54321, ''), '/data/pg')).toEqual({
      port: 54321,
      socketFolder: undefined,
    });
  });

  it('reads a relative socket folder from the cluster folder, where the server runs', () => {
    expect(parsePostmasterPid(postmasterPid(5432, '.'), '/data/pg')?.socketFolder).toBe('/data/pg');
  });

  it('gives nothing for a file still being written (no port yet)', () => {
    expect(parsePostmasterPid('4242\n/data/pg\n', '/data/pg')).toBeUndefined();
  });
});

describe('the endpoint of a running server', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-pid-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is its socket folder when the socket is there', () => {
    writeFileSync(join(dataDir, 'postmaster.pid'), postmasterPid(54321, dataDir));
    writeFileSync(socketPath(dataDir, 54321), ''); // stands in for the socket: only its presence counts
    expect(readServerEndpoint(dataDir)).toEqual({ port: 54321, socketFolder: dataDir });
  });

  it('is TCP when the socket file is missing, as for a server started before we used sockets', () => {
    writeFileSync(join(dataDir, 'postmaster.pid'), postmasterPid(54321, dataDir));
    expect(readServerEndpoint(dataDir)).toEqual({ port: 54321, socketFolder: undefined });
  });

  it('is TCP for a server started without Unix sockets', () => {
    writeFileSync(join(dataDir, 'postmaster.pid'), postmasterPid(54321, ''));
    expect(readServerEndpoint(dataDir)).toEqual({ port: 54321, socketFolder: undefined });
  });
});
