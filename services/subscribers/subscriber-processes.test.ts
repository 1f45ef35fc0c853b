import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  deliver,
  generateWebhookSecret,
  getJson,
  newOrderId,
  orderEvents,
  type Json,
} from '../../test/support/subscriber-delivery.js';
import { readMetric } from '../../test/support/read-metric.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { testAuthEnv } from '../../test/support/test-tokens.js';
import { waitFor } from '../../test/support/wait-for.js';

/**
 * Each subscriber as it really runs: its main.ts in a child process, configured through the
 * environment only, reached over HTTP, stopped with SIGTERM.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 1 });
});

afterAll(async () => {
  await database.destroy();
});

type Started = { child: ChildProcess; port: number; exited: Promise<number | null>; output: string[] };

async function startService(name: string, env: Record<string, string>): Promise<Started> {
  // Configured with the test key, the way `npm start` configures its children with the local one.
  const authEnv = await testAuthEnv();
  const child = spawn(process.execPath, ['--import', 'tsx', `services/subscribers/${name}/main.ts`], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...authEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const entry = JSON.parse(line.startsWith('{') ? line : '{}') as { msg?: string; port?: number };
      if (entry.msg === `${name} subscriber listening`) resolve({ child, port: entry.port!, exited, output });
    });
    void exited.then((code) => reject(new Error(`${name} exited with ${code}:\n${output.join('\n')}`)));
  });
}

describe('each subscriber process', () => {
  it.each([
    ['email', (orderId: string) => `/emails?orderId=${orderId}`, (body: Json) => body.emails.length === 1],
    [
      'inventory',
      (orderId: string) => `/reservations?orderId=${orderId}`,
      (body: Json) => body.status === 'placed',
    ],
    [
      'warehouse',
      (orderId: string) => `/shipments/${orderId}`,
      (body: Json) => body.status === 'awaiting_pick',
    ],
    [
      'billing',
      (orderId: string) => `/charges?orderId=${orderId}`,
      (body: Json) => body.charges.length === 1,
    ],
  ])(
    '%s starts from its environment, applies a signed delivery, and stops cleanly on SIGTERM',
    async (name, path, applied) => {
      const secret = generateWebhookSecret();
      const prefix = name.toUpperCase();
      const service = await startService(name, {
        DATABASE_URL: database.url,
        [`${prefix}_WEBHOOK_SECRET`]: secret,
        [`${prefix}_PORT`]: '0',
      });
      const baseUrl = `http://127.0.0.1:${service.port}`;
      try {
        const orderId = newOrderId();
        const delivery = await deliver(baseUrl, secret, [
          orderEvents.placed(orderId, [{ sku: 'P-1', quantity: 1 }]),
        ]);
        expect(delivery).toEqual({ status: 200, body: { processed: 1, duplicates: 0, ignored: 0 } });
        const { status, body } = await getJson(`${baseUrl}${path(orderId)}`);
        expect(status).toBe(200);
        expect(applied(body)).toBe(true);
        expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
      } finally {
        service.child.kill('SIGTERM');
      }
      expect(await service.exited).toBe(0);
    },
  );

  it('email drops a notification held past EMAIL_HELD_NOTIFICATION_RETENTION on its schedule, logging and counting it', async () => {
    const secret = generateWebhookSecret();
    const service = await startService('email', {
      DATABASE_URL: database.url,
      EMAIL_WEBHOOK_SECRET: secret,
      EMAIL_PORT: '0',
      EMAIL_HELD_NOTIFICATION_RETENTION: '1s',
      INBOX_PURGE_SCHEDULE: '* * * * * *',
    });
    const baseUrl = `http://127.0.0.1:${service.port}`;
    try {
      const orderId = newOrderId();
      expect((await deliver(baseUrl, secret, [orderEvents.shipped(orderId)])).status).toBe(200);
      await waitFor(
        'the held notification to expire',
        async () => (await readMetric(baseUrl, 'email_held_notifications_expired_total')) === 1,
      );
      expect((await getJson(`${baseUrl}/emails?orderId=${orderId}`)).body).toEqual({ emails: [], held: [] });
      await waitFor('the expiry to be logged', () =>
        service.output.some(
          (line) => line.includes(orderId) && line.includes('held notification expired unsent'),
        ),
      );
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
  });

  it('refuses to start without its signing secret, naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/subscribers/billing/main.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, BILLING_WEBHOOK_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('BILLING_WEBHOOK_SECRET: is required');
  });
});
