import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { DEFAULT_SUBSCRIBERS } from '../../../services/shared/events/default-subscribers.js';
import {
  databaseExists,
  databaseNameOf,
  withDatabaseName,
} from '../../../services/shared/postgres/database-admin.js';
import { isWebhookSecret } from '../../../services/shared/events/webhook-signature.js';
import { startSystem, type RunningSystem } from './system.js';

// The harness itself, on a stand-in service (the real ones are exercised by the *.e2e.ts scenarios).
let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({
    name: 'harness',
    services: [
      { name: 'steady', module: 'test/fixtures/steady-service', portVariable: 'STEADY_PORT', defaultPort: 0 },
    ],
  });
});

afterAll(async () => {
  await system?.stop();
});

async function pidOf(url: string): Promise<number> {
  const response = await fetch(`${url}/healthz`);
  return ((await response.json()) as { pid: number }).pid;
}

describe('the e2e harness', () => {
  it('starts each service on a free port with a database, fresh secrets and a fast relay poll', async () => {
    const steady = system.service('steady');
    expect(steady.url).toBe(`http://127.0.0.1:${steady.port}`);
    expect(system.env.STEADY_PORT).toBe(String(steady.port));
    expect((await fetch(`${steady.url}/healthz`)).status).toBe(200);
    expect(system.env.DATABASE_URL).toBe(system.databaseUrl);
    // Each subscriber gets a database of its own next to the main one, as npm start gives it
    const main = databaseNameOf(system.databaseUrl);
    for (const { name } of DEFAULT_SUBSCRIBERS) {
      expect(system.subscriberDatabaseUrls[name]).toBe(
        withDatabaseName(system.databaseUrl, `${main}_${name}`),
      );
      expect(system.env[`${name.toUpperCase()}_DATABASE_URL`]).toBe(system.subscriberDatabaseUrls[name]);
      expect(await databaseExists(process.env.TEST_PG_ADMIN_URL!, `${main}_${name}`)).toBe(true);
    }
    expect(isWebhookSecret(system.env.EMAIL_WEBHOOK_SECRET!)).toBe(true);
    expect(system.env.EMAIL_WEBHOOK_SECRET).not.toBe(system.env.BILLING_WEBHOOK_SECRET);
    expect(system.env.RELAY_POLL_MS).toBe('100');
  });

  it('kills a service like a crash and restarts it on the same port', async () => {
    const steady = system.service('steady');
    const before = await pidOf(steady.url);

    expect(await steady.kill()).toBe('SIGKILL');
    expect(steady.isRunning()).toBe(false);
    await expect(fetch(`${steady.url}/healthz`)).rejects.toThrow();

    await steady.restart();
    expect(steady.isRunning()).toBe(true);
    expect(await pidOf(steady.url)).not.toBe(before);
    expect(system.log.tail()).toContain('sending SIGKILL to steady');
    expect(system.log.tail()).toContain('steady exited (SIGKILL)');
  });

  it('stops everything, keeps the log file, and drops the databases it made', async () => {
    const name = databaseNameOf(system.databaseUrl);
    await system.stop();
    for (const { name: subscriber } of DEFAULT_SUBSCRIBERS)
      expect(await databaseExists(process.env.TEST_PG_ADMIN_URL!, `${name}_${subscriber}`)).toBe(false);

    expect(system.service('steady').isRunning()).toBe(false);
    expect(readFileSync(system.log.path, 'utf8')).toContain('[harness]');
    const admin = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
