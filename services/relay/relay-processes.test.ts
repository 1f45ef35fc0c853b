import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database.js';
import { insertOutboxEvents, orderEvents } from '../../test/support/outbox-events.js';
import { subscribe } from '../../test/support/relay-harness.js';
import { spawnRelay, type RelayProcess } from '../../test/support/relay-process.js';
import { startReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.js';
import { waitFor } from '../../test/support/wait-for.js';

let database: TestDatabase;
const processes: RelayProcess[] = [];
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const relay of processes.splice(0)) {
    if (relay.child.exitCode === null && relay.child.signalCode === null) relay.child.kill('SIGKILL');
    await relay.exited;
  }
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  await database.db.deleteFrom('subscriptions').execute();
  await database.db.deleteFrom('outbox').execute();
  await database.db.deleteFrom('relay_instances').execute();
});

afterAll(async () => {
  await database.destroy();
});

function spawn(instanceId: string, env: Record<string, string> = {}): RelayProcess {
  const relay = spawnRelay(database.url, instanceId, env);
  processes.push(relay);
  return relay;
}

async function owners(): Promise<Map<string, string | null>> {
  const rows = await database.db
    .selectFrom('relay_streams')
    .select(['subscription_name', 'lease_owner'])
    .where('lease_expires_at', '>', sql<Date>`now()`)
    .execute();
  return new Map(rows.map((row) => [row.subscription_name, row.lease_owner]));
}

describe('several relay processes', () => {
  it('share the streams, never drive one twice at once, and take over from a SIGKILLed one: 3 relays, 2,000 events', async () => {
    // Given four subscribers (slowed down a little so the kill lands mid-stream) and 2,000 events
    const names = ['s1', 's2', 's3', 's4'];
    for (const name of names) {
      const receiver = await startReceiver();
      receiver.reply = () => ({ status: 200, delayMs: 5 });
      receivers.push(receiver);
      await subscribe(database.db, name, receiver);
    }
    const events = orderEvents(400, 5);
    await insertOutboxEvents(database.db, events);

    // When three relay processes run...
    const relays = ['relay-a', 'relay-b', 'relay-c'].map((id) => spawn(id, { RELAY_BATCH_SIZE: '10' }));
    await waitFor('every stream owned', async () => (await owners()).size === names.length, 30_000);
    const total = () => receivers.reduce((sum, receiver) => sum + receiver.processed.length, 0);
    await waitFor('deliveries under way', () => total() >= 400, 30_000);
    // Each instance keeps to its fair share, ceil(4 streams / 3 instances) = 2, handing back the rest
    await waitFor(
      'the streams spread over the instances',
      async () => {
        const perOwner = new Map<string, number>();
        for (const owner of (await owners()).values())
          if (owner) perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
        return perOwner.size >= 2 && Math.max(...perOwner.values()) <= 2;
      },
      30_000,
    );

    // ...and the one driving the most streams is SIGKILLed mid-delivery
    const before = await owners();
    const counts = new Map<string, number>();
    for (const owner of before.values()) if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    const victimId = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const victim = relays.find((relay) => relay.instanceId === victimId)!;
    const orphaned = [...before.entries()].filter(([, owner]) => owner === victimId).map(([name]) => name);
    for (const receiver of receivers) receiver.phase = 'after-kill';
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    const deliveredAtKill = total();

    // Then the survivors take its streams over and every event reaches every receiver
    await waitFor(
      'the orphaned streams taken over',
      async () => {
        const now = await owners();
        return orphaned.every((name) => now.get(name) && now.get(name) !== victimId);
      },
      15_000,
    );
    await waitFor('every event delivered everywhere', () => total() === names.length * events.length, 60_000);
    expect(deliveredAtKill).toBeLessThan(names.length * events.length);
    const all = new Set(events.map((event) => event.eventId));
    let duplicates = 0;
    for (const receiver of receivers) {
      expect(receiver.processedIds()).toEqual(all);
      expect(receiver.outOfOrder()).toEqual([]);
      expect(receiver.badSignatures).toBe(0);
      // Never two relays driving one stream: one request at a time per subscriber
      expect(receiver.maxInFlight).toBe(1);
      // Duplicates only after the crash (the batch the victim delivered but did not checkpoint)
      expect(receiver.duplicates.filter((duplicate) => duplicate.phase !== 'after-kill')).toEqual([]);
      duplicates += receiver.duplicates.length;
    }
    expect(duplicates).toBeLessThanOrEqual(orphaned.length * 10);
    console.info(`SIGKILL takeover: ${orphaned.length} streams moved, ${duplicates} duplicate deliveries`);

    // And the survivors stop cleanly
    for (const relay of relays.filter((candidate) => candidate !== victim)) relay.child.kill('SIGTERM');
    for (const relay of relays.filter((candidate) => candidate !== victim))
      expect(await relay.exited).toEqual({ code: 0, signal: null });
  });

  it('on SIGTERM finishes the in-flight batch, stores its checkpoint, releases its lease and exits 0', async () => {
    // Given a subscriber that holds the first delivery until the relay has been told to stop
    const receiver = await startReceiver();
    receivers.push(receiver);
    await subscribe(database.db, 'graceful', receiver);
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    receiver.reply = () => ({ status: 200, hold });
    const events = orderEvents(30, 1);
    await insertOutboxEvents(database.db, events);
    const relay = spawn('relay-term', { RELAY_BATCH_SIZE: '10' });
    await waitFor('a delivery in flight', () => receiver.inFlight === 1, 30_000);

    // When it receives SIGTERM while that request is in flight
    relay.child.kill('SIGTERM');
    await waitFor('shutdown begun', () => relay.output().includes('"msg":"shutting down"'));
    release();

    // Then it exits 0 after storing the checkpoint past exactly that batch and releasing the lease
    expect(await relay.exited).toEqual({ code: 0, signal: null });
    expect(receiver.batches).toHaveLength(1);
    expect(receiver.processed).toHaveLength(10);
    const tenth = await sql<{ position: string }>`
      select position from outbox order by tx_id, position offset 9 limit 1`.execute(database.db);
    const stream = await database.db
      .selectFrom('relay_streams')
      .selectAll()
      .where('subscription_name', '=', 'graceful')
      .executeTakeFirstOrThrow();
    expect(stream).toMatchObject({
      checkpoint_position: tenth.rows[0]!.position,
      lease_owner: null,
      lease_expires_at: null,
    });
    expect(await database.db.selectFrom('relay_instances').selectAll().execute()).toEqual([]);
  });

  it('refuses to start, naming the variable, when a default subscription has no secret', async () => {
    const relay = spawn('relay-no-secrets', {
      RELAY_DEFAULT_SUBSCRIPTIONS: 'true',
      EMAIL_WEBHOOK_SECRET: 'whsec_' + Buffer.alloc(32, 1).toString('base64'),
    });
    expect(await relay.exited).toEqual({ code: 1, signal: null });
    expect(relay.output()).toMatch(
      /INVENTORY_WEBHOOK_SECRET: required to create the default "inventory" subscription/,
    );
    expect(relay.output()).not.toMatch(/EMAIL_WEBHOOK_SECRET/);
    expect(await database.db.selectFrom('subscriptions').select('name').execute()).toEqual([]);
  });
});
