import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_SUBSCRIBERS } from '../../../services/common/events/default-subscribers.js';
import {
  databaseExists,
  databaseNameOf,
  withDatabaseName,
} from '../../../services/common/postgres/database-admin.js';
import { isWebhookSecret } from '../../../services/common/events/webhook-signature.js';
import { createTestDatabase } from '../../support/test-database.js';
import { testAuthEnv } from '../../support/test-tokens.js';
import { waitFor } from '../../support/wait-for.js';
import { LogSink } from './log-sink.js';
import { startSystem, type RunningSystem } from './system.js';

// The harness itself, on a stand-in service (the real ones are exercised by the *.e2e.ts scenarios).
const steady = {
  name: 'steady',
  module: 'test/fixtures/steady-service',
  portVariable: 'STEADY_PORT',
  defaultPort: 0,
};
let system: RunningSystem;

beforeAll(async () => {
  // A second instance of the same module, as a scenario runs a second relay
  system = await startSystem({ name: 'harness', services: [steady, { ...steady, name: 'steady-2' }] });
});

afterAll(async () => {
  await system?.stop();
});

async function pidOf(url: string): Promise<number> {
  const response = await fetch(`${url}/healthz`);
  return ((await response.json()) as { pid: number }).pid;
}

/** The kernel's one-letter state of a process: T when stopped by a signal (Linux). */
function processState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]!;
}

describe('the e2e harness', () => {
  it('starts each service on a free port with a database, fresh secrets and a fast relay poll', async () => {
    const steady = system.service('steady');
    expect(steady.url).toBe(`http://127.0.0.1:${steady.port}`);
    expect(system.env.STEADY_PORT).toBe(String(steady.port));
    expect((await fetch(`${steady.url}/healthz`)).status).toBe(200);
    expect(system.env.DATABASE_URL).toBe(system.databaseUrl);
    // Auth on, trusting the test key the scenarios' clients sign with
    expect(system.env).toMatchObject({ AUTH_MODE: 'jwt', ...(await testAuthEnv()) });
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

  it('runs a second instance of one module on a port of its own', async () => {
    const first = system.service('steady');
    const second = system.service('steady-2');
    expect(second.port).not.toBe(first.port);
    expect(system.env.STEADY_PORT).toBe(String(first.port));
    expect(await pidOf(second.url)).not.toBe(await pidOf(first.url));
  });

  it('pauses a service with SIGSTOP and resumes the same process with SIGCONT', async () => {
    const second = system.service('steady-2');
    const pid = await pidOf(second.url);

    second.pause();
    await waitFor('steady-2 to be stopped', () => processState(pid) === 'T');
    expect(second.isRunning()).toBe(true);

    second.resume();
    await waitFor('steady-2 to run again', () => processState(pid) !== 'T');
    expect(await pidOf(second.url)).toBe(pid);
    expect(system.log.tail()).toContain('sending SIGSTOP to steady-2');
    expect(system.log.tail()).toContain('sending SIGCONT to steady-2');
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

  it('stops everything, a paused service gracefully too, keeps the log file, and drops the databases it made', async () => {
    const name = databaseNameOf(system.databaseUrl);
    system.service('steady-2').pause();
    await system.stop();
    for (const { name: subscriber } of DEFAULT_SUBSCRIBERS)
      expect(await databaseExists(process.env.TEST_PG_ADMIN_URL!, `${name}_${subscriber}`)).toBe(false);

    expect(system.service('steady').isRunning()).toBe(false);
    expect(system.service('steady-2').isRunning()).toBe(false);
    // SIGTERM reached it (exit 0), rather than the SIGKILL that ends a service ignoring SIGTERM
    expect(readFileSync(system.log.path, 'utf8')).toContain('steady-2 exited (code 0)');
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

describe('the e2e harness with the relay left on its defaults', () => {
  it('sets no RELAY_POLL_MS when asked not to', async () => {
    const plain = await startSystem({ name: 'harness-defaults', services: [steady], fastRelayPoll: false });
    try {
      expect(plain.env.RELAY_POLL_MS).toBeUndefined();
    } finally {
      await plain.stop();
    }
  });
});

describe('the harness as the benchmark starts it', () => {
  it('keeps the subscribers in the main database, writes CPU profiles and leaves the log it was given open', async () => {
    const database = await createTestDatabase({ poolMax: 1 });
    const profiles = mkdtempSync(join(tmpdir(), 'harness-profiles-'));
    const log = new LogSink(join(profiles, 'run.log'));
    try {
      const bench = await startSystem({
        name: 'harness-bench',
        databaseUrl: database.url,
        services: [steady],
        log,
        subscribersInMainDatabase: true,
        cpuProfileDir: profiles,
      });
      expect(bench.service('steady').pid).toBe(await pidOf(bench.service('steady').url));
      const main = databaseNameOf(database.url);
      for (const { name } of DEFAULT_SUBSCRIBERS) {
        expect(bench.subscriberDatabaseUrls[name]).toBe(database.url);
        // Empty: the subscriber uses DATABASE_URL
        expect(bench.env[`${name.toUpperCase()}_DATABASE_URL`]).toBe('');
        expect(await databaseExists(process.env.TEST_PG_ADMIN_URL!, `${main}_${name}`)).toBe(false);
      }
      await bench.stop();

      expect(log.writableEnded).toBe(false);
      const [folder] = readdirSync(profiles).filter((name) => name.startsWith('steady.'));
      expect(readdirSync(join(profiles, folder!)).some((file) => file.endsWith('.cpuprofile'))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => log.end(resolve));
      rmSync(profiles, { recursive: true, force: true });
      await database.destroy();
    }
  });
});
