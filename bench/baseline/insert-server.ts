/**
 * The benchmark's baseline service: a bare express handler doing one INSERT of an order row
 * into a plain table over the same kind of pool as the Order API (Kysely over pg, PG_POOL_MAX).
 * It answers both requests of the benchmark's create-then-place sequence the same way, so the
 * Order API's commands per second over this one's requests per second is the cost of everything
 * the real service does beyond a single insert (validation, locking, the outbox, metrics, logs).
 * `POST /events` is the idle-apply scenario's floor: the same INSERT inside an explicit
 * transaction (BEGIN, INSERT, COMMIT), for one delivered event, unsigned and unchecked.
 * Started by the benchmark as its own process, like the Order API; not part of the system.
 */
import express from 'express';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { envTypes, parseConfig } from '../../services/common/config.js';
import { createDb } from '../../services/common/db/create-db.js';
import { closeServer, listen } from '../../services/common/http/listen.js';
import type { PlainOrdersDb } from './plain-orders-table.js';

const config = parseConfig(
  {
    DATABASE_URL: envTypes.postgresUrl(),
    PG_POOL_MAX: envTypes.positiveInt(10),
    BENCH_BASELINE_PORT: envTypes.port(0),
  },
  process.env,
);
const db = createDb<PlainOrdersDb>({
  connectionString: config.DATABASE_URL,
  max: config.PG_POOL_MAX,
  applicationName: 'bench-baseline',
});

const body = z
  .object({ customerId: z.string(), items: z.array(z.object({ sku: z.string(), quantity: z.number() })) })
  .partial();

const app = express();
// Any content type: the relay's batches are application/cloudevents-batch+json.
app.use(express.json({ type: () => true }));
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post(['/orders', '/orders/:id/place'], async (req, res) => {
  const input = body.parse(req.body ?? {});
  const now = new Date();
  const row = {
    id: uuidv7(),
    customer_id: input.customerId ?? 'baseline',
    status: 'Pending',
    items: JSON.stringify(input.items ?? []),
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('bench_plain_orders').values(row).execute();
  res.status(201).json({ id: row.id });
});

app.post('/events', async (req, res) => {
  const events = z.array(z.object({ data: body })).parse(req.body);
  const now = new Date();
  await db.transaction().execute((trx) =>
    trx
      .insertInto('bench_plain_orders')
      .values(
        events.map(({ data }) => ({
          id: uuidv7(),
          customer_id: data.customerId ?? 'baseline',
          status: 'Placed',
          items: JSON.stringify(data.items ?? []),
          version: 2,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute(),
  );
  res.json({ processed: events.length });
});

const server = await listen(app, config.BENCH_BASELINE_PORT, '127.0.0.1');
const stop = async () => {
  await closeServer(server);
  await db.destroy();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
