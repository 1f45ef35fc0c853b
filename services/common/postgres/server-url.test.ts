import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { databaseNameOf, withDatabaseName } from './database-admin.js';
import { embeddedServerUrl } from './server-url.js';

/** Where node-postgres would connect for `url`, as its Client reads it. */
function connectionOf(url: string) {
  const client = new pg.Client({ connectionString: url });
  const { host, port, database, user, password } = client;
  return { host, port, database, user, password };
}

const credentials = { user: 'postgres', password: 'pw+/=?&x' };
// A folder with the characters that trip up URLs: space, plus, percent, comma, question mark
const folder = '/var/tmp/my data/+50%, really?/postgres';

describe("the embedded server's URL", () => {
  it('is plain TCP on 127.0.0.1 when the server has no Unix socket', () => {
    const url = embeddedServerUrl({ ...credentials, port: 5433, socketFolder: undefined });
    expect(url).toBe('postgres://postgres:pw%2B%2F%3D%3F%26x@127.0.0.1:5433/postgres');
    expect(connectionOf(url)).toEqual({
      ...credentials,
      host: '127.0.0.1',
      port: 5433,
      database: 'postgres',
    });
  });

  it("points node-postgres at the socket folder through the host parameter, keeping the URL's port", () => {
    const url = embeddedServerUrl({ ...credentials, port: 5433, socketFolder: folder });
    expect(url).toBe(
      `postgres://postgres:pw%2B%2F%3D%3F%26x@127.0.0.1:5433/postgres?host=${encodeURIComponent(folder)}`,
    );
    expect(connectionOf(url)).toEqual({ ...credentials, host: folder, port: 5433, database: 'postgres' });
  });

  it('keeps pointing at the socket when another database is swapped in, as tests and the bench do', () => {
    const url = withDatabaseName(
      embeddedServerUrl({ ...credentials, port: 5433, socketFolder: folder }),
      't_run_1',
    );
    expect(databaseNameOf(url)).toBe('t_run_1');
    expect(connectionOf(url)).toEqual({ ...credentials, host: folder, port: 5433, database: 't_run_1' });
  });

  it("passes the services' DATABASE_URL validation", () => {
    const url = embeddedServerUrl({ ...credentials, port: 5433, socketFolder: folder });
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });
});
