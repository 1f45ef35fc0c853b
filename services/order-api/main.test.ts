import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  createEmptyTestDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../../test/support/test-database.js';
import { anOrder } from '../../test/support/order-api-harness.js';
import { operatorToken, testAuthEnv } from '../../test/support/test-tokens.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ poolMax: 2 });
});

afterAll(async () => {
  await database.destroy();
});

type Started = { child: ChildProcess; lines: Record<string, unknown>[]; exited: Promise<number | null> };

/** Runs services/order-api/main.ts as its own process, as `npm run start:order-api` does. */
async function startMain(databaseUrl: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/order-api/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ...(await testAuthEnv()),
      DATABASE_URL: databaseUrl,
      ORDER_API_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ msg: line });
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, lines, exited };
}

async function lineWith(started: Started, msg: string): Promise<Record<string, unknown>> {
  for (;;) {
    const found = started.lines.find((line) => line.msg === msg);
    if (found) return found;
    if (started.child.exitCode !== null)
      throw new Error(`exited before "${msg}": ${JSON.stringify(started.lines)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the order-api process', () => {
  it('serves the API from main.ts and exits 0 on SIGTERM', async () => {
    const started = await startMain(database.url);
    try {
      const { port } = (await lineWith(started, 'order API listening')) as { port: number };
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const authorization = `Bearer ${await operatorToken()}`;
      expect((await fetch(`${base}/orders`)).status).toBe(401);
      const created = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(anOrder),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect(
        (await fetch(`${base}/orders/${id}/place`, { method: 'POST', headers: { authorization } })).status,
      ).toBe(200);
      expect(
        await database.db.selectFrom('outbox').select('event_type').where('aggregate_id', '=', id).execute(),
      ).toEqual([{ event_type: 'OrderPlaced' }]);
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await started.exited).toBe(0);
  });

  it('refuses to start on a database that has not been migrated, saying what to run', async () => {
    const empty = await createEmptyTestDatabase();
    try {
      const started = await startMain(empty.url);
      expect(await started.exited).toBe(1);
      expect(started.lines).toContainEqual(
        expect.objectContaining({ level: 60, msg: expect.stringContaining('npm run migrate') }),
      );
    } finally {
      await empty.destroy();
    }
  });
});
