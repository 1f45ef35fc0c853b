import { afterEach, describe, expect, it, jest } from '@jest/globals';
import express from 'express';
import type { Server } from 'node:http';
import { sql } from 'kysely';
import { boundPort, closeServer, listen } from '../common/http/listen.js';
import { generateWebhookSecret, verifyWebhook } from '../common/events/webhook-signature.js';
import { createLogger } from '../common/logger.js';
import { createWarehouseApp } from '../subscribers/warehouse/create-warehouse-app.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../test/support/relay-harness.js';
import { testAuthConfig } from '../../test/support/test-tokens.js';
import { waitFor } from '../../test/support/wait-for.js';
import { rotateSecret } from './subscriptions/rotate-secret.js';

const bed = useRelayTestBed();
jest.setTimeout(90_000);

/** What the subscriber's HTTP edge saw of one delivery: how many signatures, and its answer. */
type Seen = { at: number; signatures: string; body: Buffer; headers: Record<string, string>; status: number };

/**
 * The real warehouse app on a fixed port, configured with `secrets` as WAREHOUSE_WEBHOOK_SECRET
 * would list them, behind a recorder of every POST /events and its status (the receiver's count).
 */
async function startWarehouse(secrets: string[], port: number, seen: Seen[]): Promise<Server> {
  const app = createWarehouseApp({
    db: bed.database.db,
    webhookSecrets: secrets,
    auth: await testAuthConfig(),
    clock: () => new Date(),
    logger: createLogger('warehouse-test', 'silent'),
    bodyLimit: '4mb',
  });
  const edge = express();
  edge.post('/events', (req, res, next) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('finish', () =>
      seen.push({
        at: Date.now(),
        signatures: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks),
        headers: {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        },
        status: res.statusCode,
      }),
    );
    next();
  });
  edge.use(app);
  return listen(edge, port, '127.0.0.1');
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => closeServer(server).catch(() => {})));
});

describe('rotating a webhook secret', () => {
  it('delivers continuously with no 401 while the subscriber moves to the new secret, then signs with the new one only', async () => {
    const db = bed.database.db;
    const [oldSecret, newSecret] = [generateWebhookSecret(), generateWebhookSecret()];
    const seen: Seen[] = [];
    // Given the warehouse app on the old secret, subscribed, and a relay delivering to it
    const first = await startWarehouse([oldSecret], 0, seen);
    servers.push(first);
    const port = boundPort(first);
    await subscribe(db, 'warehouse', { url: `http://127.0.0.1:${port}/events`, secret: oldSecret }, [
      'OrderPlaced',
    ]);
    bed.startRelay();

    // ... and orders placed all along, while the relay's stream state is watched for a 401
    let inserted = 0;
    let feeding = true;
    const statusCodes = new Set<number>();
    const feeder = (async () => {
      while (feeding) {
        await insertOutboxEvents(db, orderEvents(3, 1));
        inserted += 3;
        const stream = await db.selectFrom('relay_streams').select('last_status_code').executeTakeFirst();
        if (stream?.last_status_code) statusCodes.add(stream.last_status_code);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const inboxCount = async () =>
      Number(
        (await sql<{ n: string }>`select count(*)::text as n from warehouse.inbox`.execute(db)).rows[0]!.n,
      );
    await waitFor('deliveries under the old secret', async () => (await inboxCount()) >= 15);

    // When the secret is rotated with an overlap, the relay signs with both
    const rotated = await rotateSecret(db, 'warehouse', newSecret, 4_000);
    expect(rotated).toMatchObject({ ok: true });
    const rotatedAt = Date.now();
    await waitFor('a delivery signed twice', () => seen.some((s) => s.signatures.split(' ').length === 2));

    // ... and the subscriber restarts with the new secret only, within the overlap
    await closeServer(servers.shift()!);
    servers.push(await startWarehouse([newSecret], port, seen));
    const afterRestart = seen.length;
    await waitFor('deliveries under the new secret', () =>
      seen.slice(afterRestart).some((s) => s.status === 200),
    );

    // Then, once the overlap is over, deliveries carry the new secret's signature alone
    await waitFor(
      'a delivery after the overlap',
      () => seen.some((s) => s.at > rotatedAt + 5_000 && s.status === 200),
      30_000,
    );
    feeding = false;
    await feeder;
    await waitFor('every event applied', async () => (await inboxCount()) === inserted, 30_000);

    const late = seen.filter((s) => s.at > rotatedAt + 5_000);
    expect(late.length).toBeGreaterThan(0);
    for (const delivery of late) {
      expect(delivery.signatures.split(' ')).toHaveLength(1);
      expect(verifyWebhook(newSecret, delivery.body, delivery.headers)).toEqual({ ok: true });
      expect(verifyWebhook(oldSecret, delivery.body, delivery.headers).ok).toBe(false);
    }
    // Nothing refused: no 401 at the receiver, none in the relay's stream state, no dead letter
    expect(seen.filter((s) => s.status === 401)).toEqual([]);
    expect(seen.every((s) => s.status === 200)).toBe(true);
    expect([...statusCodes]).toEqual([]);
    const stream = await db
      .selectFrom('relay_streams')
      .select(['last_status_code'])
      .executeTakeFirstOrThrow();
    expect(stream.last_status_code).not.toBe(401);
    expect(await db.selectFrom('dead_letters').select('id').execute()).toEqual([]);
  });
});
