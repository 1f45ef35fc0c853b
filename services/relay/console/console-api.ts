import type { Express, Request } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parseDuration } from '../../common/duration.js';
import type { Clock } from '../../common/clock.js';
import type { DB } from '../../common/db/database.js';
import { findDefaultSubscriber } from '../../common/events/default-subscribers.js';
import { ORDER_EVENT_TYPES } from '../../common/events/order-events.js';
import { generateWebhookSecret } from '../../common/events/webhook-signature.js';
import { HttpProblem } from '../../common/http/problem.js';
import { parseAt, validationProblem } from '../../common/http/validation.js';
import { countDiscardable, discardDeadLetters } from '../dead-letters/discard-dead-letters.js';
import { findDeadLetter } from '../dead-letters/find-dead-letter.js';
import { countDeadLetters, listDeadLetters } from '../dead-letters/list-dead-letters.js';
import {
  requestReplayWithinDedupeWindow,
  type GuardedReplayResult,
} from '../dead-letters/request-replay-within-dedupe-window.js';
import { countReplayable } from '../dead-letters/request-replay.js';
import { overlapEndJson, overlapEndText, rotateSecret } from '../subscriptions/rotate-secret.js';
import { setSubscriptionEnabled } from '../subscriptions/set-subscription-enabled.js';
import { notifyRelay } from '../wake/notify-relay.js';
import type { AdminCredentials } from './admin-credentials.js';
import { boundedDuration, deadLetterFilterShape, toDeadLetterFilter } from './dead-letter-query.js';
import { readOverview } from './read-overview.js';
import { LiveOverview, streamOverview } from './live-overview.js';

/** The most dead letters one list returns; the count says how many matched in all. */
const LIST_LIMIT = 500;
const DEFAULT_OVERLAP = '24h';
const MAX_OVERLAP_MS = 30 * 86_400_000;

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/, 'must be a dead letter id') });
const nameParam = z.object({ name: z.string().min(1).max(200) });
const listQuery = z.strictObject({ ...deadLetterFilterShape, held: z.enum(['true', 'false']).optional() });
const forceBody = z.strictObject({ force: z.boolean().optional() });
const bulkReplayBody = z.strictObject({
  ...deadLetterFilterShape,
  subscription: z.string().min(1).max(200),
  force: z.boolean().optional(),
  /** The parked letters the operator confirmed: refused when the selection now holds another number. */
  confirmedCount: z.number().int().min(1).optional(),
});
const bulkDiscardBody = z.strictObject({
  ...deadLetterFilterShape,
  subscription: z.string().min(1).max(200),
  /** The count the operator confirmed: refused when the selection now holds another. */
  confirmedCount: z.number().int().min(1),
});
const rotateBody = z.strictObject({
  overlap: boundedDuration(MAX_OVERLAP_MS, '30d').optional(),
  /** Rotate even while a previous rotation's overlap runs (it ends; its old secret is dropped). */
  force: z.boolean().optional(),
});

function parse<S extends z.ZodType>(
  location: 'path' | 'query' | 'body',
  schema: S,
  input: unknown,
): z.output<S> {
  const parsed = parseAt(location, schema, input ?? {});
  if (!parsed.ok) throw validationProblem(parsed.errors);
  return parsed.value;
}

/** Who the audit of a discard names: the console, and the address the request came from. */
const operator = (req: Request) => `console@${req.ip ?? 'unknown'}`;

/** Why a replay marked nothing, as a problem. */
function replayRefusal(result: Extract<GuardedReplayResult, { ok: false }>): HttpProblem {
  if (result.reason === 'selection-changed')
    return new HttpProblem(
      409,
      `${result.found} parked dead letters match now, not the ${result.confirmed} confirmed; nothing was marked.`,
      { type: '/problems/selection-changed', extensions: { found: result.found } },
    );
  const count = result.beyondDedupeWindow.length;
  return new HttpProblem(
    409,
    `${count} of the selected dead letters hold events older than their subscription's dedupe window: ` +
      'the subscriber may have forgotten it delivered them and apply them again. Nothing was marked; ' +
      'replay with force to deliver them anyway.',
    { type: '/problems/beyond-dedupe-window', extensions: { beyondDedupeWindow: count } },
  );
}

/**
 * The JSON API behind the console page, under /api/ (and usable by scripts): the live overview, dead letters
 * (list, detail, replay, discard) and subscriptions (enable, disable, rotate secret). Every change
 * goes through the same functions as the CLI, so it is checked and audited the same way.
 */
export function mountConsoleApi(
  router: Express,
  options: {
    db: Kysely<DB>;
    instanceId: string;
    credentials: AdminCredentials;
    clock: Clock;
    refreshMs: number;
    /** Aborted when the relay shuts down: the live streams end. */
    stopping: AbortSignal;
  },
): void {
  const { db, clock } = options;

  router.get('/api/session', (_req, res) => {
    res.json({
      authRequired: options.credentials.required,
      csrfToken: options.credentials.csrfToken,
      eventTypes: ORDER_EVENT_TYPES,
    });
  });

  router.get('/api/overview', async (_req, res) => {
    res.json(await readOverview(db, options.instanceId, clock()));
  });

  const live = new LiveOverview(() => readOverview(db, options.instanceId, clock()), options.refreshMs);
  router.get('/api/live', (req, res) => {
    streamOverview(req, res, live, options.stopping);
  });

  router.get('/api/dead-letters', async (req, res) => {
    const query = parse('query', listQuery, req.query);
    const selection = {
      ...(query.subscription ? { subscription: query.subscription } : {}),
      includeHeld: query.held === 'true',
      ...optionalFilter(query, clock()),
    };
    const [letters, count] = await Promise.all([
      listDeadLetters(db, { ...selection, limit: LIST_LIMIT }),
      countDeadLetters(db, selection),
    ]);
    res.json({ count, letters, limit: LIST_LIMIT });
  });

  router.get('/api/dead-letters/count', async (req, res) => {
    const query = parse(
      'query',
      z.strictObject({ ...deadLetterFilterShape, subscription: z.string().min(1).max(200) }),
      req.query,
    );
    const selection = {
      subscription: query.subscription,
      all: true as const,
      ...optionalFilter(query, clock()),
    };
    // What each bulk action would touch, for the page to confirm: a discard takes the matching
    // letters, parked and held; a replay the matching parked ones and the held events behind them.
    const [count, replay] = await Promise.all([
      countDiscardable(db, selection),
      countReplayable(db, selection),
    ]);
    res.json({ count, replay });
  });

  router.get('/api/dead-letters/:id', async (req, res) => {
    const { id } = parse('path', idParam, req.params);
    const letter = await findDeadLetter(db, id);
    if (!letter) throw new HttpProblem(404, `No dead letter ${id}.`);
    res.json(letter);
  });

  router.post('/api/dead-letters/:id/replay', async (req, res) => {
    const { id } = parse('path', idParam, req.params);
    const { force } = parse('body', forceBody, req.body);
    const letter = await findDeadLetter(db, id);
    if (!letter) throw new HttpProblem(404, `No dead letter ${id}.`);
    if (letter.state !== 'parked')
      throw new HttpProblem(409, `Dead letter ${id} is ${letter.state}: only a parked one can be replayed.`);
    const result = await requestReplayWithinDedupeWindow(
      db,
      { eventId: letter.event.eventId, subscription: letter.subscription },
      force === true,
    );
    if (!result.ok) throw replayRefusal(result);
    // Discarded or replayed since it was read: say so rather than "0 requested".
    if (result.marked.length === 0)
      throw new HttpProblem(409, `Dead letter ${id} is no longer parked; nothing was marked.`);
    await notifyRelay(db);
    res.json({ marked: result.marked });
  });

  router.post('/api/dead-letters/replay', async (req, res) => {
    const body = parse('body', bulkReplayBody, req.body);
    const result = await requestReplayWithinDedupeWindow(
      db,
      { subscription: body.subscription, all: true, ...optionalFilter(body, clock()) },
      body.force === true,
      body.confirmedCount,
    );
    if (!result.ok) throw replayRefusal(result);
    if (result.marked.length === 0) throw new HttpProblem(404, 'No parked dead letter matches.');
    await notifyRelay(db);
    res.json({ marked: result.marked });
  });

  router.post('/api/dead-letters/:id/discard', async (req, res) => {
    const { id } = parse('path', idParam, req.params);
    parse('body', z.strictObject({}), req.body);
    const letter = await findDeadLetter(db, id);
    if (!letter || letter.state === 'replayed') throw new HttpProblem(404, `No open dead letter ${id}.`);
    const result = await discardDeadLetters(
      db,
      { eventId: letter.event.eventId, subscription: letter.subscription },
      operator(req),
    );
    res.json(await afterDiscard(result));
  });

  router.post('/api/dead-letters/discard', async (req, res) => {
    const body = parse('body', bulkDiscardBody, req.body);
    const result = await discardDeadLetters(
      db,
      { subscription: body.subscription, all: true, ...optionalFilter(body, clock()) },
      operator(req),
      body.confirmedCount,
    );
    res.json(await afterDiscard(result));
  });

  for (const verb of ['enable', 'disable'] as const)
    router.post(`/api/subscriptions/:name/${verb}`, async (req, res) => {
      const { name } = parse('path', nameParam, req.params);
      parse('body', z.strictObject({}), req.body);
      const found = await setSubscriptionEnabled(
        db,
        name,
        verb === 'enable',
        'disabled by an operator (console)',
      );
      if (!found) throw new HttpProblem(404, `No subscription "${name}".`);
      await notifyRelay(db);
      res.json({ name, enabled: verb === 'enable' });
    });

  router.post('/api/subscriptions/:name/rotate-secret', async (req, res) => {
    const { name } = parse('path', nameParam, req.params);
    const { overlap = DEFAULT_OVERLAP, force = false } = parse('body', rotateBody, req.body);
    const secret = generateWebhookSecret();
    const result = await rotateSecret(db, name, secret, parseDuration(overlap)!, {
      endRunningOverlap: force,
    });
    if (!result.ok) {
      if (result.reason === 'not-found') throw new HttpProblem(404, `No subscription "${name}".`);
      if (result.reason === 'overlap-running')
        throw new HttpProblem(
          409,
          `"${name}" still signs with its previous secret ${overlapEndText(result.until, (date) => date.toISOString())}: rotating again ` +
            'drops the secret before last, which the subscriber may still use (its deliveries would be ' +
            'refused). Nothing changed; rotate with force to do it anyway.',
          { type: '/problems/overlap-running', extensions: { until: overlapEndJson(result.until) } },
        );
      if (result.reason === 'changed')
        throw new HttpProblem(
          409,
          `The secret of "${name}" changed meanwhile; nothing changed. Rotate again.`,
        );
      throw new HttpProblem(
        409,
        `"${name}" delivers to NATS, which signs nothing: there is no secret to rotate.`,
      );
    }
    // The one time the secret leaves the relay: the operator configures the subscriber with it.
    // A default subscription's secret also lives in the variable both ends read, which the relay's
    // next start makes the signing secret again: the page says which, as the CLI does.
    const secretVariable = findDefaultSubscriber(name)?.secretVariable ?? null;
    res.json({
      name,
      secret,
      previousSecretValidUntil: result.previousValidUntil,
      endedOverlapUntil: overlapEndJson(result.endedOverlap),
      secretVariable,
    });
  });

  async function afterDiscard(result: Awaited<ReturnType<typeof discardDeadLetters>>) {
    if (!result.ok && result.reason === 'selection-changed')
      throw new HttpProblem(
        409,
        `${result.found} dead letters match now, not the ${result.confirmed} confirmed; nothing was discarded.`,
        { type: '/problems/selection-changed', extensions: { found: result.found } },
      );
    if (!result.ok)
      throw new HttpProblem(409, 'A selected dead letter is being replayed; nothing was discarded.', {
        type: '/problems/replay-under-way',
      });
    if (result.discarded.length === 0) throw new HttpProblem(404, 'No open dead letter matches.');
    if (result.released.length > 0) await notifyRelay(db);
    return { discarded: result.discarded, released: result.released };
  }
}

function optionalFilter(input: Parameters<typeof toDeadLetterFilter>[0], now: Date) {
  const filter = toDeadLetterFilter(input, now);
  return filter ? { filter } : {};
}
