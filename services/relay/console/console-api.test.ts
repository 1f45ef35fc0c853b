import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { insertOutboxEvents, orderEvents, type TestEvent } from '../../../test/support/outbox-events.js';
import { subscribe, useRelayTestBed } from '../../../test/support/relay-harness.js';
import { serve, type Served } from '../../../test/support/serve.js';
import { waitFor } from '../../../test/support/wait-for.js';
import type { WebhookReceiver } from '../../../test/support/webhook-receiver.js';
import { createLogger } from '../../common/logger.js';
import { ORDER_EVENT_TYPES } from '../../common/events/order-events.js';
import { createRelayAdminApp } from '../admin-app.js';
import { readOverview } from './read-overview.js';
import type { Relay } from '../relay.js';

const TOKEN = 'console-test-token-0123456789abcdef';
const bed = useRelayTestBed();
const servers: Served[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serveAdmin(
  relay: Relay,
  adminToken: string | null = TOKEN,
  stopping: AbortSignal = new AbortController().signal,
): Promise<string> {
  const app = createRelayAdminApp({
    relay,
    db: bed.database.db,
    registry: new Registry(),
    logger: createLogger('console-test', 'silent'),
    bodyLimit: '16kb',
    boundHost: '127.0.0.1',
    adminToken: adminToken ?? undefined,
    stopping,
  });
  const served = await serve(app);
  servers.push(served);
  return served.baseUrl;
}

type SystemWithDeadLetters = { base: string; receiver: WebhookReceiver; events: TestEvent[] };

/**
 * Three orders of two events (OrderPlaced, OrderShipped) for billing, whose subscriber refuses
 * (422) the events `poisoned` picks: they park.
 */
async function systemWithDeadLetters(
  poisoned: (events: TestEvent[]) => TestEvent[],
): Promise<SystemWithDeadLetters> {
  const events = orderEvents(3, 2);
  const poisons = new Set(poisoned(events).map((event) => event.eventId));
  const receiver = await bed.receiver();
  receiver.reply = (batch) =>
    batch.some((event) => poisons.has(event.id)) ? { status: 422 } : { status: 200 };
  await subscribe(bed.database.db, 'billing', receiver);
  await insertOutboxEvents(bed.database.db, events);
  const relay = bed.startRelay();
  const base = await serveAdmin(relay);
  await waitFor('the poison events parked', () =>
    deadLetterCount(base).then((count) => count === poisons.size),
  );
  return { base, receiver, events };
}

/** A subscription whose subscriber refuses (422) the first event of the first order: it parks. */
async function systemWithADeadLetter(): Promise<SystemWithDeadLetters & { poison: TestEvent }> {
  const system = await systemWithDeadLetters((events) => [events[0]!]);
  return { ...system, poison: system.events[0]! };
}

const asAdmin = { Authorization: `Bearer ${TOKEN}` };
const json = { 'Content-Type': 'application/json' };

async function deadLetterCount(base: string): Promise<number> {
  const response = await fetch(`${base}/api/dead-letters`, { headers: asAdmin });
  return ((await response.json()) as { count: number }).count;
}

/**
 * Waits until an order's later event is held behind its parked one: billing's open letters, parked
 * and held, reach `letters` (two for one parked event and its follower).
 */
async function followerHeld(base: string, letters = 2): Promise<void> {
  await waitFor('the follower held behind the parked event', async () => {
    const response = await fetch(`${base}/api/dead-letters/count?subscription=billing`, { headers: asAdmin });
    return ((await response.json()) as { count: number }).count === letters;
  });
}

async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(response.status).toBe(204);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const session = (await (await fetch(`${base}/api/session`, { headers: { Cookie: cookie } })).json()) as {
    csrfToken: string;
  };
  return { cookie, csrf: session.csrfToken };
}

async function subscriptionEnabled(name: string): Promise<boolean> {
  const row = await bed.database.db
    .selectFrom('subscriptions')
    .select('enabled')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.enabled;
}

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(base: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    http
      .get(
        { hostname: url.hostname, port: url.port, path: url.pathname, headers: { Host: host, ...asAdmin } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
      .on('error', reject);
  });
}

describe('the admin port with RELAY_ADMIN_TOKEN set', () => {
  it('refuses every request without the token, except the health probes', async () => {
    const base = await serveAdmin(bed.startRelay());
    for (const path of ['/api/overview', '/metrics', '/streams', '/openapi.json', '/console/console.js']) {
      const response = await fetch(`${base}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
    }
    const page = await fetch(`${base}/`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Sign in');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(
      (await fetch(`${base}/api/overview`, { headers: { Authorization: 'Bearer wrong-token' } })).status,
    ).toBe(401);
    expect((await fetch(`${base}/api/overview`, { headers: asAdmin })).status).toBe(200);
  });

  it('signs a browser in with a session cookie that is not the token, and refuses a wrong token', async () => {
    const base = await serveAdmin(bed.startRelay());
    const wrong = await fetch(`${base}/sign-in`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: 'not-the-token-at-all-0123456789' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const { cookie } = await signIn(base);
    expect(cookie).not.toContain(TOKEN);
    expect((await fetch(`${base}/`, { headers: { Cookie: cookie, Accept: 'text/html' } })).status).toBe(200);
    expect((await fetch(`${base}/api/overview`, { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('refuses a change without the CSRF token, or from another origin, and changes nothing', async () => {
    await subscribe(bed.database.db, 'email', await bed.receiver());
    const base = await serveAdmin(bed.startRelay());
    const { cookie, csrf } = await signIn(base);
    const disable = (headers: Record<string, string>) =>
      fetch(`${base}/api/subscriptions/email/disable`, {
        method: 'POST',
        headers: { ...json, Cookie: cookie, ...headers },
        body: '{}',
      });

    const withoutCsrf = await disable({});
    expect(withoutCsrf.status).toBe(403);
    expect(((await withoutCsrf.json()) as { type: string }).type).toBe('/problems/csrf');
    expect((await disable({ 'X-CSRF-Token': 'forged' })).status).toBe(403);
    expect((await disable({ 'X-CSRF-Token': csrf, Origin: 'https://evil.example' })).status).toBe(403);
    expect(await subscriptionEnabled('email')).toBe(true);

    expect((await disable({ 'X-CSRF-Token': csrf, Origin: base })).status).toBe(200);
    expect(await subscriptionEnabled('email')).toBe(false);
  });

  it('answers only requests addressed to a loopback name when bound to loopback', async () => {
    const base = await serveAdmin(bed.startRelay());
    expect(await getWithHost(base, '/api/overview', 'evil.example')).toBe(403);
    expect(await getWithHost(base, '/api/overview', `localhost:${new URL(base).port}`)).toBe(200);
  });
});

describe('the admin port without a token (loopback)', () => {
  it('needs no sign-in to read, and still the CSRF token to change', async () => {
    await subscribe(bed.database.db, 'email', await bed.receiver());
    const base = await serveAdmin(bed.startRelay(), null);
    expect((await fetch(`${base}/api/overview`)).status).toBe(200);
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/api/subscriptions/email/disable`, {
        method: 'POST',
        headers: { ...json, ...headers },
        body: '{}',
      });
    expect((await post({})).status).toBe(403);
    const { csrfToken } = (await (await fetch(`${base}/api/session`)).json()) as { csrfToken: string };
    expect((await post({ 'X-CSRF-Token': csrfToken })).status).toBe(200);
  });
});

describe('the console API', () => {
  it('shows subscriptions, backlog and instances, and never a signing secret', async () => {
    const receiver = await bed.receiver();
    await subscribe(bed.database.db, 'email', receiver);
    const relay = bed.startRelay();
    const base = await serveAdmin(relay);
    await waitFor('the relay registered and leased the stream', async () => {
      const overview = (await (await fetch(`${base}/api/overview`, { headers: asAdmin })).json()) as {
        instances: { id: string; leases: number }[];
      };
      return overview.instances.some((instance) => instance.id === relay.instanceId && instance.leases === 1);
    });
    const response = await fetch(`${base}/api/overview`, { headers: asAdmin });
    const text = await response.text();
    expect(text).not.toContain(receiver.secret);
    expect(JSON.parse(text)).toMatchObject({
      servedBy: relay.instanceId,
      subscriptions: [
        {
          name: 'email',
          state: 'ok',
          backlog: 0,
          owners: [relay.instanceId],
          unowned: 0,
          partitions: [{ partition: 0 }],
        },
      ],
      fence: null,
    });
  });

  it('shows a partitioned subscription with a row per partition and counts the partitions no one owns', async () => {
    await subscribe(bed.database.db, 'audit', await bed.receiver(), ORDER_EVENT_TYPES, 'beginning', 3);
    // Read before any relay runs: no instance holds a lease yet
    const overview = await readOverview(bed.database.db, 'reader', new Date());
    expect(overview.subscriptions).toMatchObject([
      {
        name: 'audit',
        owners: [],
        unowned: 3,
        partitions: [
          { partition: 0, owner: null },
          { partition: 1, owner: null },
          { partition: 2, owner: null },
        ],
      },
    ]);
  });

  it('streams the overview as server-sent events', async () => {
    await subscribe(bed.database.db, 'email', await bed.receiver());
    const base = await serveAdmin(bed.startRelay());
    const controller = new AbortController();
    const response = await fetch(`${base}/api/live`, { headers: asAdmin, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    controller.abort();
    const message = new TextDecoder().decode(value as Uint8Array);
    expect(message).toMatch(/^event: overview\ndata: \{/);
    expect(message).toContain('"name":"email"');
  });

  it('ends the live streams when the relay stops, so that its server can close', async () => {
    const stopping = new AbortController();
    const base = await serveAdmin(bed.startRelay(), TOKEN, stopping.signal);
    const response = await fetch(`${base}/api/live`, { headers: asAdmin });
    const reader = response.body!.getReader();
    await reader.read();
    stopping.abort();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it('lists dead letters by filter, shows one with its payload, and refuses bad filters with a problem', async () => {
    const { base, poison } = await systemWithADeadLetter();
    const list = async (query: string) =>
      (await (await fetch(`${base}/api/dead-letters?${query}`, { headers: asAdmin })).json()) as {
        count: number;
        letters: { id: string; event: { eventId: string } }[];
      };
    expect((await list('status=422&type=OrderPlaced&since=1h&subscription=billing')).count).toBe(1);
    expect((await list('status=500')).count).toBe(0);
    expect((await list('type=OrderShipped')).count).toBe(0);
    expect((await list('subscription=email')).count).toBe(0);
    const [letter] = (await list('')).letters;
    expect(letter!.event.eventId).toBe(poison.eventId);

    const detail = (await (
      await fetch(`${base}/api/dead-letters/${letter!.id}`, { headers: asAdmin })
    ).json()) as Record<string, unknown>;
    expect(detail).toMatchObject({
      state: 'parked',
      statusCode: 422,
      attempts: expect.any(Number),
      event: { eventId: poison.eventId, payload: { orderId: poison.orderId } },
    });

    const tooOld = await fetch(`${base}/api/dead-letters?since=99999999999d`, { headers: asAdmin });
    expect(tooOld.status).toBe(400);
    const bad = await fetch(`${base}/api/dead-letters?status=abc&type=Nope&extra=1`, { headers: asAdmin });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['status', 'type', 'extra']));
    expect((await fetch(`${base}/api/dead-letters/99999999`, { headers: asAdmin })).status).toBe(404);
  });

  it('replays a dead letter: the subscriber receives it and it is no longer open', async () => {
    const { base, receiver, poison } = await systemWithADeadLetter();
    const [letter] = (
      (await (await fetch(`${base}/api/dead-letters`, { headers: asAdmin })).json()) as {
        letters: { id: string }[];
      }
    ).letters;
    receiver.reply = () => ({ status: 200 });
    const replay = await fetch(`${base}/api/dead-letters/${letter!.id}/replay`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: '{}',
    });
    expect(replay.status).toBe(200);
    expect(
      ((await replay.json()) as { marked: { eventId: string }[] }).marked.map((row) => row.eventId),
    ).toContain(poison.eventId);
    await waitFor('the replayed event delivered', () => receiver.processedIds().has(poison.eventId));
    await waitFor('no open dead letter', async () => (await deadLetterCount(base)) === 0);
  });

  it('discards a dead letter (audited as the console), releasing the events held behind it', async () => {
    const { base, receiver, events, poison } = await systemWithADeadLetter();
    // The relay holds the order's next event only when it reaches it, after parking the first.
    await followerHeld(base);
    const [letter] = (
      (await (await fetch(`${base}/api/dead-letters`, { headers: asAdmin })).json()) as {
        letters: { id: string }[];
      }
    ).letters;
    const discard = await fetch(`${base}/api/dead-letters/${letter!.id}/discard`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: '{}',
    });
    expect(discard.status).toBe(200);
    const follower = events.find((event) => event.orderId === poison.orderId && event.version === 2)!;
    expect(await discard.json()).toMatchObject({
      discarded: [{ eventId: poison.eventId }],
      released: [{ eventId: follower.eventId }],
    });
    await waitFor('the held follower delivered', () => receiver.processedIds().has(follower.eventId));
    expect(receiver.processedIds().has(poison.eventId)).toBe(false);
    const audit = await bed.database.db
      .selectFrom('discarded_dead_letters')
      .select(['event_id', 'discarded_by'])
      .execute();
    expect(audit).toEqual([{ event_id: poison.eventId, discarded_by: expect.stringMatching(/^console@/) }]);
  });

  it('refuses a bulk discard whose confirmed count no longer matches, discarding nothing', async () => {
    const { base } = await systemWithADeadLetter();
    await followerHeld(base);
    const count = (await (
      await fetch(`${base}/api/dead-letters/count?subscription=billing`, { headers: asAdmin })
    ).json()) as { count: number };
    // The parked event and the later event of its order held behind it.
    expect(count).toEqual({ count: 2, replay: { parked: 1, held: 1 } });
    const refused = await fetch(`${base}/api/dead-letters/discard`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: JSON.stringify({ subscription: 'billing', confirmedCount: 3 }),
    });
    expect(refused.status).toBe(409);
    expect(await deadLetterCount(base)).toBe(1);
  });

  it('replays the parked letters a filter matches, with their held followers, and no other order', async () => {
    // Order A's OrderPlaced parks and its OrderShipped is held behind it; order B's OrderShipped parks.
    const { base, receiver, events } = await systemWithDeadLetters((all) => [all[0]!, all[4]!]);
    const [placedA, , , shippedA, shippedB] = events;
    await followerHeld(base, 3);
    const counts = async (query: string) =>
      (await (
        await fetch(`${base}/api/dead-letters/count?subscription=billing${query}`, { headers: asAdmin })
      ).json()) as { count: number; replay: { parked: number; held: number } };
    // A discard takes A's held OrderShipped too; a replay of the OrderShipped letters only B's.
    expect(await counts('&type=OrderShipped')).toEqual({ count: 2, replay: { parked: 1, held: 0 } });
    expect(await counts('')).toEqual({ count: 3, replay: { parked: 2, held: 1 } });

    receiver.reply = () => ({ status: 200 });
    const replayAll = (confirmedCount: number) =>
      fetch(`${base}/api/dead-letters/replay`, {
        method: 'POST',
        headers: { ...asAdmin, ...json },
        body: JSON.stringify({ subscription: 'billing', type: 'OrderShipped', confirmedCount }),
      });
    // Confirmed for another number than matches now: nothing marked
    const changed = await replayAll(2);
    expect(changed.status).toBe(409);
    expect(await changed.json()).toMatchObject({ type: '/problems/selection-changed', found: 1 });
    const requested = await bed.database.db
      .selectFrom('dead_letters')
      .select('event_id')
      .where('replay_requested_at', 'is not', null)
      .execute();
    expect(requested).toEqual([]);
    const replay = await replayAll(1);
    expect(replay.status).toBe(200);
    const marked = ((await replay.json()) as { marked: { eventId: string }[] }).marked;
    expect(marked.map((row) => row.eventId)).toEqual([shippedB!.eventId]);
    await waitFor('the replayed event delivered', () => receiver.processedIds().has(shippedB!.eventId));
    expect(receiver.processedIds().has(placedA!.eventId)).toBe(false);
    expect(receiver.processedIds().has(shippedA!.eventId)).toBe(false);
    await waitFor('only order A still open', async () => (await counts('')).count === 2);
  });

  it('discards the confirmed set of a filtered bulk discard, audited, releasing nothing still parked', async () => {
    const { base, receiver, events } = await systemWithDeadLetters((all) => [all[0]!, all[4]!]);
    const [placedA, , , shippedA, shippedB] = events;
    await followerHeld(base, 3);
    const discard = await fetch(`${base}/api/dead-letters/discard`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: JSON.stringify({ subscription: 'billing', type: 'OrderShipped', confirmedCount: 2 }),
    });
    expect(discard.status).toBe(200);
    const result = (await discard.json()) as { discarded: { eventId: string }[]; released: unknown[] };
    expect(result.discarded.map((row) => row.eventId).sort()).toEqual(
      [shippedA!.eventId, shippedB!.eventId].sort(),
    );
    // A's OrderPlaced is still parked: nothing of its order is released
    expect(result.released).toEqual([]);
    const audit = await bed.database.db.selectFrom('discarded_dead_letters').select('event_id').execute();
    expect(audit.map((row) => row.event_id).sort()).toEqual([shippedA!.eventId, shippedB!.eventId].sort());
    expect(await deadLetterCount(base)).toBe(1);
    expect(receiver.processedIds().has(placedA!.eventId)).toBe(false);
  });

  it('refuses with a 409, then rotates when forced, a secret whose variable lists two', async () => {
    await subscribe(bed.database.db, 'email', await bed.receiver());
    // As a relay started with EMAIL_WEBHOOK_SECRET=new,old leaves it: the second valid while listed
    await bed.database.db
      .updateTable('subscriptions')
      .set({
        previous_secret: 'whsec_bGlzdGVkLWJ5LXRoZS12YXJpYWJsZQ==',
        previous_secret_until: sql<Date>`'infinity'`,
      })
      .where('name', '=', 'email')
      .execute();
    const base = await serveAdmin(bed.startRelay());
    const rotate = (body: object) =>
      fetch(`${base}/api/subscriptions/email/rotate-secret`, {
        method: 'POST',
        headers: { ...asAdmin, ...json },
        body: JSON.stringify(body),
      });
    const refused = await rotate({});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ type: '/problems/overlap-running', until: 'while-listed' });
    const forced = await rotate({ force: true });
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({
      secret: expect.stringMatching(/^whsec_/),
      endedOverlapUntil: 'while-listed',
    });
  });

  it('rotates a secret, showing the new one in that answer only', async () => {
    const receiver = await bed.receiver();
    await subscribe(bed.database.db, 'email', receiver);
    const base = await serveAdmin(bed.startRelay());
    const rotated = await fetch(`${base}/api/subscriptions/email/rotate-secret`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: JSON.stringify({ overlap: '1h' }),
    });
    expect(rotated.status).toBe(200);
    const { secret, previousSecretValidUntil, secretVariable } = (await rotated.json()) as {
      secret: string;
      previousSecretValidUntil: string;
      secretVariable: string | null;
    };
    expect(secret).toMatch(/^whsec_/);
    // email is a default subscription: the page warns that this variable wins at the relay's start
    expect(secretVariable).toBe('EMAIL_WEBHOOK_SECRET');
    expect(Date.parse(previousSecretValidUntil)).toBeGreaterThan(Date.now());
    for (const path of ['/api/overview', '/api/dead-letters'])
      expect(await (await fetch(`${base}${path}`, { headers: asAdmin })).text()).not.toContain(secret);
    // A second rotation during the overlap would drop the secret the subscriber may still use
    const again = await fetch(`${base}/api/subscriptions/email/rotate-secret`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: '{}',
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { type: string }).type).toBe('/problems/overlap-running');
    const forced = await fetch(`${base}/api/subscriptions/email/rotate-secret`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: JSON.stringify({ force: true, overlap: '0s' }),
    });
    expect(forced.status).toBe(200);
    expect(
      ((await forced.json()) as { previousSecretValidUntil: unknown }).previousSecretValidUntil,
    ).toBeNull();
    const bad = await fetch(`${base}/api/subscriptions/email/rotate-secret`, {
      method: 'POST',
      headers: { ...asAdmin, ...json },
      body: JSON.stringify({ overlap: 'soon' }),
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await fetch(`${base}/api/subscriptions/nope/enable`, {
          method: 'POST',
          headers: { ...asAdmin, ...json },
          body: '{}',
        })
      ).status,
    ).toBe(404);
  });
});
