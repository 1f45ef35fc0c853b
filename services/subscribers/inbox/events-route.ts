import type { Express, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { DB } from '../../common/db/database.js';
import { isTransientDatabaseError } from '../../common/db/transient.js';
import { parseCloudEventBatch } from '../../common/events/cloud-event.js';
import { HttpProblem } from '../../common/http/problem.js';
import { requireJsonBody } from '../../common/http/require-json.js';
import type { Logger } from '../../common/logger.js';
import { inRequestSpan, markArrival, requestSpan, spanOfRequest } from '../../common/tracing/request-span.js';
import { spanTime } from '../../common/tracing/span-time.js';
import { eventLinks } from './event-links.js';
import { countBatch } from './count-batch.js';
import { handleBatch } from './handle-batch.js';
import type { InboxMetrics } from './inbox-metrics.js';
import { parseJson } from './parse-json.js';
import { readBatch } from './read-batch.js';
import type { SubscriberEffects } from './subscriber.js';
import { verifiedRawBody } from './verified-raw-body.js';
import type { Clock } from '../../common/clock.js';

export type EventsRouteOptions = {
  db: Kysely<DB>;
  effects: SubscriberEffects;
  webhookSecrets: readonly string[];
  /** Largest delivered batch (SUBSCRIBER_BODY_LIMIT). */
  bodyLimit: string;
  clock: Clock;
  metrics: InboxMetrics;
  logger: Logger;
};

/**
 * POST /events, the delivery contract: signature first, over the raw bytes (401, the body
 * not read at all without valid signature headers, not parsed without a matching signature), then
 * the batch's shape (400) and payloads (422), all before any write; then one transaction for the
 * batch. 200 means every event is processed or was already; anything else asks the relay to retry.
 * Mount it where bodies are not parsed for the route (`rawBodyRoutes` of the app factory).
 */
export function mountEventsRoute(app: Express, options: EventsRouteOptions): void {
  const { metrics, logger } = options;
  const applySpanName = () => `apply ${options.effects.name}`;
  // Counts the refusal, then hands the problem back to be thrown at the call site.
  const refused = (reason: string, problem: HttpProblem): HttpProblem => {
    metrics.failures.inc({ reason });
    return problem;
  };
  const signed = verifiedRawBody({
    webhookSecrets: options.webhookSecrets,
    bodyLimit: options.bodyLimit,
    refuse: (reason, req) => {
      logger.warn({ reason, webhookId: req.headers['webhook-id'] }, 'delivery refused');
      return refused('signature', new HttpProblem(401, `The webhook signature was refused: ${reason}.`));
    },
  });

  // The apply span is opened once the signature holds: only then is the caller's traceparent the
  // relay's and not anyone's who can reach the port (the signature does not cover the header). It
  // starts at the request's arrival, so it still covers verify, dedupe, effects and commit.
  app.post('/events', markArrival(), ...signed, requestSpan(applySpanName), requireJsonBody, (req, res) =>
    inRequestSpan(res, () => applyBatch(req, res)),
  );

  async function applyBatch(req: Request, res: Response): Promise<void> {
    const span = spanOfRequest(res);
    span?.addEvent('verified', spanTime());
    const json = parseJson(req.body as Buffer);
    if (!json.ok) throw refused('malformed', new HttpProblem(400, 'The request body is not valid JSON.'));
    const parsed = parseCloudEventBatch(json.value);
    if (!parsed.ok) {
      throw refused('malformed', new HttpProblem(400, `Malformed CloudEvents batch: ${parsed.reason}.`));
    }
    const batch = readBatch(parsed.events);
    if (!batch.ok) {
      throw batch.reason === 'malformed'
        ? refused('malformed', new HttpProblem(400, `Malformed CloudEvents batch: ${batch.detail}.`))
        : refused(
            'invalid_payload',
            new HttpProblem(422, `Event ${batch.eventId} (${batch.eventType}) has an invalid payload.`, {
              extensions: { eventId: batch.eventId, eventType: batch.eventType, errors: batch.errors },
            }),
          );
    }

    span?.addLinks(eventLinks(parsed.events));
    let summary;
    try {
      const applying = metrics.applySeconds.startTimer({ source: 'http' });
      summary = await handleBatch(options.db, options.effects, batch.entries, options.clock);
      applying();
      span?.addEvent('committed', spanTime());
    } catch (error) {
      if (isTransientDatabaseError(error)) {
        logger.warn({ err: error, events: batch.entries.length }, 'batch not applied: database busy');
        res.setHeader('Retry-After', '1');
        throw refused(
          'transient',
          new HttpProblem(503, 'The database is busy or unreachable; retry the batch.'),
        );
      }
      metrics.failures.inc({ reason: 'effect' });
      throw error;
    }

    countBatch(metrics, logger, summary, batch.entries);
    res.status(200).json({
      processed: summary.processed,
      duplicates: summary.duplicates,
      ignored: summary.ignored,
    });
  }
}
