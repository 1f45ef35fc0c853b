import type { Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import type { DB } from '../shared/db/database.js';
import type { Logger } from '../shared/logger.js';
import type { Clock } from './clock.js';
import { nextReplay } from './dead-letters/next-replay.js';
import { parkEvent } from './dead-letters/park-event.js';
import { recordReplayOutcome } from './dead-letters/record-replay-outcome.js';
import type { DeadLetter } from './dead-letters/dead-letter.js';
import { buildDeliveryRequest } from './delivery/delivery-request.js';
import type { HttpTransport } from './delivery/http-transport.js';
import { parseRetryAfter, retryDelayMs, type RetryPolicy } from './delivery/retry-policy.js';
import { nextFenceWait, type FenceWait } from './fence-wait.js';
import type { RelayMetrics } from './relay-metrics.js';
import { advanceCheckpoint } from './streams/advance-checkpoint.js';
import { loadStream, type StreamState } from './streams/load-stream.js';
import { hasEventsBehindFence } from './streams/has-events-behind-fence.js';
import { readStreamBatch, type StreamEvent } from './streams/read-stream-batch.js';
import { recordDeliveryFailure } from './streams/record-delivery-failure.js';
import { setSubscriptionEnabled } from './subscriptions/set-subscription-enabled.js';
import { WakeSignal } from './wake/wake-signal.js';

export type StreamWorkerDeps = {
  db: Kysely<DB>;
  instanceId: string;
  batchSize: number;
  pollMs: number;
  retry: RetryPolicy;
  transport: HttpTransport;
  clock: Clock;
  random: () => number;
  logger: Logger;
  metrics: RelayMetrics;
  /** The stream is no longer ours to drive (lease lost, subscription disabled or removed). */
  onLost: (name: string) => void;
};

export type StreamWorker = {
  name: string;
  wake(): void;
  /** Finishes the step in flight (a delivery and its checkpoint), then stops. */
  stop(): Promise<void>;
};

type Step = { kind: 'continue' } | { kind: 'wait'; ms: number } | { kind: 'lost'; why: string };

type Outcome =
  | { kind: 'delivered' }
  | { kind: 'gone'; error: string }
  | { kind: 'failed'; error: string; statusCode: number | null; retryAfterMs: number | undefined };

const CONTINUE: Step = { kind: 'continue' };

/** After a success, a narrowed batch doubles back towards the full size. */
function widen(batchLimit: number | null, batchSize: number): number | null {
  if (batchLimit === null || batchLimit * 2 >= batchSize) return null;
  return batchLimit * 2;
}

/**
 * Drives one stream: read after the checkpoint, deliver, advance; on failure narrow, back off and
 * finally park. No transaction is open during the HTTP call: reads and writes are single
 * statements, and the only transaction (parking) runs after the response.
 */
export function startStreamWorker(deps: StreamWorkerDeps, name: string): StreamWorker {
  const { db, instanceId, clock, logger } = deps;
  const log = logger.child({ subscriber: name });
  const signal = new WakeSignal();
  let stopping = false;
  /** Set while rows sit behind the fence: how long to wait before looking again (see fence-wait.ts). */
  let fenceWait: FenceWait | undefined;

  async function deliver(stream: StreamState, events: readonly StreamEvent[]): Promise<Outcome> {
    const request = buildDeliveryRequest(stream.endpointUrl, stream.secret, events, clock.now());
    const result = await deps.transport.post(request);
    if (result.kind === 'network-error')
      return { kind: 'failed', error: result.error, statusCode: null, retryAfterMs: undefined };
    if (result.status >= 200 && result.status < 300) return { kind: 'delivered' };
    const error = `HTTP ${result.status}${result.bodyExcerpt ? `: ${result.bodyExcerpt}` : ''}`;
    if (result.status === 410) return { kind: 'gone', error };
    return {
      kind: 'failed',
      error,
      statusCode: result.status,
      retryAfterMs: parseRetryAfter(result.retryAfter, clock.now()),
    };
  }

  async function disable(error: string): Promise<Step> {
    const reason = `endpoint answered 410 Gone at ${clock.now().toISOString()}`;
    await setSubscriptionEnabled(db, name, false, reason);
    log.warn({ error }, 'subscription disabled: the endpoint is gone');
    return { kind: 'lost', why: 'disabled by 410 Gone' };
  }

  async function replay(stream: StreamState, letter: DeadLetter): Promise<Step> {
    const started = performance.now();
    const outcome = await deliver(stream, [letter.event]);
    const seconds = (performance.now() - started) / 1_000;
    const at = clock.now();
    if (outcome.kind === 'delivered') {
      await recordReplayOutcome(db, letter.id, { ok: true, at });
      deps.metrics.delivery(name, 'replayed', 1, seconds);
      log.info({ eventId: letter.event.eventId, orderId: letter.event.aggregateId }, 'dead letter replayed');
      return CONTINUE;
    }
    deps.metrics.delivery(name, outcome.kind === 'gone' ? 'gone' : 'replay_failed', 1, seconds);
    await recordReplayOutcome(db, letter.id, {
      ok: false,
      at,
      error: outcome.error,
      statusCode: outcome.kind === 'failed' ? outcome.statusCode : 410,
    });
    if (outcome.kind === 'gone') return disable(outcome.error);
    log.warn({ eventId: letter.event.eventId, error: outcome.error }, 'dead letter replay failed');
    return CONTINUE;
  }

  async function onFailure(
    stream: StreamState,
    batch: readonly StreamEvent[],
    outcome: Extract<Outcome, { kind: 'failed' }>,
  ): Promise<Step> {
    const now = clock.now();
    const head = batch[0]!;
    if (batch.length > 1) {
      // Narrow: keep the head, halve the batch; the failing event ends up alone.
      const batchLimit = Math.ceil(batch.length / 2);
      const delay = retryDelayMs(deps.retry, 1, outcome.retryAfterMs, deps.random);
      await recordDeliveryFailure(db, name, instanceId, stream.checkpoint, {
        batchLimit,
        batchAttempts: 0,
        nextAttemptAt: new Date(now.getTime() + delay),
        failedAt: now,
        error: outcome.error,
        statusCode: outcome.statusCode,
      });
      log.warn(
        { error: outcome.error, events: batch.length, batchLimit },
        'delivery failed: narrowing the batch',
      );
      return CONTINUE;
    }
    const attempts = stream.batchAttempts + 1;
    if (attempts >= deps.retry.maxAttempts) {
      const parked = await db.transaction().execute((trx) =>
        parkEvent(trx, name, instanceId, stream.checkpoint, head, {
          error: outcome.error,
          statusCode: outcome.statusCode,
          attempts: stream.failedAttempts + 1,
          firstAttemptAt: stream.firstFailedAt ?? now,
          lastAttemptAt: now,
        }),
      );
      if (parked) {
        deps.metrics.delivery(name, 'dead_lettered', 1, 0);
        log.warn(
          { eventId: head.eventId, orderId: head.aggregateId, position: head.position, error: outcome.error },
          'event parked as a dead letter',
        );
      }
      return CONTINUE;
    }
    const delay = retryDelayMs(deps.retry, attempts, outcome.retryAfterMs, deps.random);
    await recordDeliveryFailure(db, name, instanceId, stream.checkpoint, {
      batchLimit: 1,
      batchAttempts: attempts,
      nextAttemptAt: new Date(now.getTime() + delay),
      failedAt: now,
      error: outcome.error,
      statusCode: outcome.statusCode,
    });
    log.warn(
      { eventId: head.eventId, error: outcome.error, attempts, delayMs: delay },
      'delivery failed: will retry',
    );
    return CONTINUE;
  }

  async function step(): Promise<Step> {
    const stream = await loadStream(db, name);
    if (!stream) return { kind: 'lost', why: 'subscription removed' };
    if (stream.leaseOwner !== instanceId) return { kind: 'lost', why: 'lease taken over' };
    if (!stream.enabled) return { kind: 'lost', why: 'subscription disabled' };
    const now = clock.now();
    if (stream.nextAttemptAt && stream.nextAttemptAt > now)
      return { kind: 'wait', ms: Math.min(stream.nextAttemptAt.getTime() - now.getTime(), deps.pollMs) };

    const letter = stream.replayPending ? await nextReplay(db, name) : undefined;
    if (letter) return replay(stream, letter);

    const limit = stream.batchLimit ?? deps.batchSize;
    const { events: batch, caughtUpTo } = await readStreamBatch(
      db,
      stream.checkpoint,
      stream.eventTypes,
      limit,
    );
    // Past the batch, and past the events of other types behind it when the read saw them all
    // (caughtUpTo is then the last row behind the fence, never before the batch's last event).
    const through = caughtUpTo ?? batch.at(-1);
    if (!through) {
      if (await hasEventsBehindFence(db, stream.checkpoint)) {
        fenceWait = nextFenceWait(fenceWait, clock.now().getTime(), deps.pollMs);
        return { kind: 'wait', ms: fenceWait.ms };
      }
      fenceWait = undefined;
      return { kind: 'wait', ms: deps.pollMs };
    }
    fenceWait = undefined;
    const target = { txId: through.txId, position: through.position };
    if (batch.length === 0) {
      log.debug({ through: through.position }, "no event of this stream's types: skipped");
      await advanceCheckpoint(db, name, instanceId, stream.checkpoint, target, stream.batchLimit);
      return CONTINUE;
    }

    const started = performance.now();
    const outcome = await deliver(stream, batch);
    const seconds = (performance.now() - started) / 1_000;
    if (outcome.kind === 'delivered') {
      deps.metrics.delivery(name, 'delivered', batch.length, seconds);
      log.debug(
        {
          events: batch.length,
          from: `${stream.checkpoint.txId}/${stream.checkpoint.position}`,
          first: `${batch[0]!.txId}/${batch[0]!.position}`,
          through: `${through.txId}/${through.position}`,
          seconds,
        },
        'batch delivered',
      );
      const advanced = await advanceCheckpoint(
        db,
        name,
        instanceId,
        stream.checkpoint,
        target,
        widen(stream.batchLimit, deps.batchSize),
      );
      if (!advanced) log.warn('checkpoint moved while delivering (rewind or takeover); re-reading');
      return CONTINUE;
    }
    deps.metrics.delivery(name, outcome.kind === 'gone' ? 'gone' : 'failed', batch.length, seconds);
    if (outcome.kind === 'gone') return disable(outcome.error);
    return onFailure(stream, batch, outcome);
  }

  const done = (async () => {
    log.info('stream acquired');
    while (!stopping) {
      let next: Step;
      try {
        next = await step();
      } catch (error) {
        // The database or the network hiccuped: nothing was half-written (single statements or one
        // transaction), so the next step simply starts over from what is stored.
        log.error({ err: error }, 'stream step failed; retrying');
        next = { kind: 'wait', ms: deps.pollMs };
      }
      if (next.kind === 'lost') {
        log.info({ why: next.why }, 'stream released');
        deps.onLost(name);
        return;
      }
      if (next.kind === 'wait' && !stopping) await signal.wait(next.ms);
    }
  })();

  return {
    name,
    wake: () => signal.notify(),
    stop: async () => {
      stopping = true;
      signal.notify();
      await done;
    },
  };
}
