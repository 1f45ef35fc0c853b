import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { serverOptions } from './server-options.js';

/** The arguments the server gets once pg_ctl's /bin/sh has read `options`. */
function asTheServerSeesThem(options: string): string[] {
  const printed = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${options}`], { encoding: 'utf8' });
  return printed.split('\n').slice(0, -1);
}

describe('the options the embedded server starts with', () => {
  it('listen on 127.0.0.1 and create a Unix socket in the given folder', () => {
    expect(
      asTheServerSeesThem(
        serverOptions({ port: 54321, socketFolder: '/var/tmp/outbox/postgres', durable: true }),
      ),
    ).toEqual([
      '-p',
      '54321',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories="/var/tmp/outbox/postgres"',
      '-c',
      'max_connections=300',
    ]);
  });

  it('reach the server intact for a folder with spaces, quotes and commas', () => {
    const folder = `/var/tmp/it's "my", data/postgres`;
    const args = asTheServerSeesThem(serverOptions({ port: 5432, socketFolder: folder, durable: true }));
    expect(args).toContain(`unix_socket_directories="/var/tmp/it's ""my"", data/postgres"`);
  });

  it('create no Unix socket when there is no folder for it', () => {
    const args = asTheServerSeesThem(serverOptions({ port: 5432, socketFolder: undefined, durable: true }));
    expect(args).toContain('unix_socket_directories=');
    expect(args).toContain('listen_addresses=127.0.0.1');
  });

  it('turn fsync off for throwaway clusters only', () => {
    const throwaway = asTheServerSeesThem(
      serverOptions({ port: 5432, socketFolder: undefined, durable: false }),
    );
    expect(throwaway).toEqual(
      expect.arrayContaining(['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    );
    const durable = asTheServerSeesThem(
      serverOptions({ port: 5432, socketFolder: undefined, durable: true }),
    );
    expect(durable.join(' ')).not.toMatch(/fsync|synchronous_commit|full_page_writes/);
  });

  it('allow prepared transactions only when asked (the test cluster), as PostgreSQL refuses them by default', () => {
    const asked = asTheServerSeesThem(
      serverOptions({ port: 5432, socketFolder: undefined, durable: false, maxPreparedTransactions: 10 }),
    );
    expect(asked).toContain('max_prepared_transactions=10');
    const plain = asTheServerSeesThem(serverOptions({ port: 5432, socketFolder: undefined, durable: true }));
    expect(plain.join(' ')).not.toMatch(/max_prepared_transactions/);
  });
});
