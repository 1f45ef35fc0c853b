import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  holdPreparedTransaction,
  holdTransaction,
  type HeldTransaction,
  type PreparedTransaction,
} from '../../test/support/held-transactions.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { runCli } from '../../test/support/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { createSubscription } from '../relay/subscriptions/create-subscription.js';
import { generateWebhookSecret } from '../common/events/webhook-signature.js';
import { ORDER_EVENT_TYPES } from '../common/events/order-events.js';

// Each run is a real process (seconds each on a busy machine).
jest.setTimeout(120_000);

let database: TestDatabase;
const holders: (HeldTransaction | PreparedTransaction)[] = [];
const cli = (...args: string[]) => runCli(database.url, args);

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.transaction().execute((trx) =>
    createSubscription(trx, {
      name: 'email',
      endpointUrl: 'http://127.0.0.1:9/events',
      eventTypes: ORDER_EVENT_TYPES,
      secret: generateWebhookSecret(),
      from: 'beginning',
    }),
  );
});

afterEach(async () => {
  for (const holder of holders.splice(0)) await holder.rollback();
  await database.db.deleteFrom('outbox').execute();
});

afterAll(async () => {
  await database.destroy();
});

describe('outbox status and a held fence', () => {
  it('names the session that holds it, and says nothing of a fence once it is free', async () => {
    const holder = await holdTransaction(database.url, { applicationName: 'psql' });
    holders.push(holder);
    await insertOutboxEvents(database.db, orderEvents(2, 1));

    const table = await cli('status');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ email\s+│ fenced\s+│/);
    expect(table.stdout).toMatch(
      new RegExp(
        `Fence held for \\S+ by pid ${holder.pid} \\(application_name "psql", user \\S+, idle in transaction, ` +
          `transaction open \\S+\\), transaction ${holder.xid}: email waits behind it\\.`,
      ),
    );
    const [stream] = JSON.parse((await cli('status', '--json')).stdout) as Record<string, unknown>[];
    expect(stream).toMatchObject({
      name: 'email',
      fenceHeldSeconds: expect.any(Number),
      fenceHolder: {
        kind: 'session',
        txId: holder.xid,
        pid: holder.pid,
        applicationName: 'psql',
        state: 'idle in transaction',
      },
    });

    await holder.commit();
    const free = await cli('status');
    expect(free.stdout).toMatch(/│ email\s+│ ok\s+│/);
    expect(free.stdout).not.toContain('Fence held');
  });

  it('names a prepared transaction by its gid', async () => {
    const holder = await holdPreparedTransaction(database.url);
    holders.push(holder);
    await insertOutboxEvents(database.db, orderEvents(1, 1));

    const table = await cli('status');
    expect(table.stdout).toMatch(/│ email\s+│ fenced\s+│/);
    expect(table.stdout).toContain(`by prepared transaction "${holder.gid}" (owner `);
    expect(table.stdout).toContain(`from this database), transaction ${holder.xid}: email waits behind it.`);
  });
});
