import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { isTransientDatabaseError } from './transient.js';

/**
 * What node-postgres reports when it cannot connect to `url`, copied into an Error of this realm: jest
 * runs the tests in a vm context whose Error is not the one node's own errors are instances of.
 */
async function connectError(url: string): Promise<Error> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    const { message, code, syscall } = error as NodeJS.ErrnoException;
    return Object.assign(new Error(message), { code, syscall });
  }
  await client.end();
  throw new Error(`connected to ${url}`);
}

describe('transient database errors', () => {
  it('include a server that is down, reached over a Unix socket (its socket file is gone)', async () => {
    const error = await connectError('postgres://u:p@127.0.0.1:5999/db?host=%2Fnonexistent-outbox-socket');
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'connect' });
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it('include a server that is down, reached over TCP', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it('exclude a missing file that has nothing to do with connecting', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), {
      code: 'ENOENT',
      syscall: 'open',
    });
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});
