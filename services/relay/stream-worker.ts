import type { Kysely } from 'kysely';
import { performance } from 'node:perf_hooks';
import type { DB } from '../common/db/database.js';
import type { Logger } from '../common/logger.js';
import type { Clock } from '../common/clock.js';
import type { DeadLetter } from './dead-letters/dead-letter.js';
import { blockedOrders, holdEvents, releaseUnblockedHeld } from './dead-letters/hold-events.js';
import { nextReplayGroup } from './dead-letters/next-replay.js';
import { parkEvent } from './dead-letters/park-event.js';
import {
  markReplayed,
  recordReplayRefusal,
  recordReplayRetry,
} from './dead-letters/record-replay-outcome.js';
import {
  decideAfterFailure,
  unauthorizedDelayMs,
  type FailurePolicy,
} from './delivery/decide-after-failure.js';
import { retryDelayMs } from './delivery/retry-policy.js';
import { traceDelivery, type BatchRead } from './delivery/trace-delivery.js';
import type { DeliveryOutcome, Transport } from './delivery/transport.js';
import { nextFenceWait, type FenceWait } from './fence-wait.js';
import type { RelayMetrics } from './relay-metrics.js';
import { advanceCheckpoint } from './streams/advance-checkpoint.js';
import { loadStream, type StreamState } from './streams/load-stream.js';
import type { StreamKey } from './streams/partition.js';
import { readStreamBatch, type StreamEvent } from './streams/read-stream-batch.js';
import { recordDeliveryFailure } from './streams/record-delivery-failure.js';
import { setSubscriptionEnabled } from './subscriptions/set-subscription-enabled.js';
import { WakeSignal } from './wake/wake-signal.js';

export type StreamWorkerDeps = {
  db: Kysely<DB>;
  instanceId: string;
  batchSize: number;
  pollMs: number;
  retry: FailurePolicy;
  /** Chooses HTTP or NATS by the subscription's endpoint (route-by-scheme.ts). */
  transport: Transport;
  clock: Clock;
  random: () => number;
  logger: Logger;
  metrics: RelayMetrics;
  /** The stream is no longer ours to drive (lease lost, subscription disabled or removed). */
  onLost: (stream: StreamKey) => void;
  /** LISTEN is in place: every later commit will wake the worker (see outbox-listener.ts). */
  isListening: () => boolean;
};

export type StreamWorker = {
  key: StreamKey;
  wake(): void;
  /** Finishes the step in flight (a delivery and its checkpoint), then stops. */
  stop(): Promise<void>;
};

type Step = { kind: 'continue' } | { kind: 'wait'; ms: number } | { kind: 'lost'; why: string };

type Outcome = DeliveryOutcome;

type Failed = Extract<Outcome, { kind: 'failed' }>;

const CONTINUE: Step = { kind: 'continue' };
const NONE_BLOCKED: ReadonlySet<string> = new Set();

/** After a success, a narrowed batch doubles back towards the full size. */
function widen(batchLimit: number | null, batchSize: number): number | null {
  if (batchLimit === null || batchLimit * 2 >= batchSize) return null;
  return batchLimit * 2;
}

/**
 * Drives one stream, one partition of a subscription: read its events after the checkpoint, deliver, advance; on failure retry, narrow or park
 * as the failure says, and hold the later events of a parked event's order. No transaction is open during the HTTP call: reads and writes are single
 * statements, and the only transaction (parking) runs after the response.
 */
export function startStreamWorker(deps: StreamWorkerDeps, key: StreamKey): StreamWorker {
  const { db, instanceId, clock, logger } = deps;
  /** The subscription: what metrics, the dead letters' owner and a 410 Gone speak of. */
  const name = key.subscription;
  const log = logger.child({ subscriber: name, partition: key.partition });
  const signal = new WakeSignal();
  let stopping = false;
  /** Set while rows sit behind the fence: how long to wait before looking again (see fence-wait.ts). */
  let fenceWait: FenceWait | undefined;

  /** `read`: when the batch was read (a replay's letters have no such read), for its span. */
  function deliver(stream: StreamState, events: readonly StreamEvent[], read?: BatchRead): Promise<Outcome> {
    const delivery = {
      subscription: name,
      endpointUrl: stream.endpointUrl,
      secrets: stream.secrets,
      partition: stream.partition,
      events,
    };
    return traceDelivery(delivery, read, () => deps.transport.deliver(delivery));
  }

  async function disable(error: string): Promise<Step> {
    const reason = `endpoint answered 410 Gone at ${clock().toISOString()}`;
    await setSubscriptionEnabled(db, name, false, reason);
    log.warn({ error }, 'subscription disabled: the endpoint is gone');
    return { kind: 'lost', why: 'disabled by 410 Gone' };
  }

  /** Said once per failure, in words an operator searches the log for. */
  function logFailure(outcome: Failed, fields: Record<string, unknown>, what: string): void {
    if (outcome.failure === 'unauthorized')
      log.error(
        { ...fields, error: outcome.error },
        `${what}: unauthorized (HTTP ${outcome.statusCode}): the subscription's secret or the ` +
          "endpoint's key is wrong; retrying slowly until it is fixed",
      );
    else log.warn({ ...fields, error: outcome.error, failure: outcome.failure }, what);
  }

  /**
   * Replays an order's dead letters (the parked event, then its held followers) in one request.
   * If that fails and there were several, the parked event goes alone next time, so that a refused
   * follower is found and parked in its turn. A transient failure keeps the request for a retry
   * after a backoff; a refusal parks the letter again for the operator.
   */
  let replayOneAtATime = false;
  async function replay(stream: StreamState, group: readonly DeadLetter[]): Promise<Step> {
    const letters = replayOneAtATime ? group.slice(0, 1) : group;
    const head = letters[0]!;
    const started = performance.now();
    const outcome = await deliver(
      stream,
      letters.map((letter) => letter.event),
    );
    const seconds = (performance.now() - started) / 1_000;
    const at = clock();
    const fields = { eventId: head.event.eventId, orderId: head.event.aggregateId, letters: letters.length };
    if (outcome.kind === 'delivered') {
      await markReplayed(
        db,
        name,
        head.event.aggregateId,
        letters.map((letter) => letter.id),
        at,
      );
      replayOneAtATime = false;
      deps.metrics.delivery(name, 'replayed', letters.length, seconds);
      log.info(fields, 'dead letters replayed');
      return CONTINUE;
    }
    deps.metrics.delivery(
      name,
      outcome.failure === 'gone' ? 'gone' : 'replay_failed',
      letters.length,
      seconds,
    );
    if (outcome.failure === 'gone') return disable(outcome.error);
    if (letters.length > 1) {
      replayOneAtATime = true;
      logFailure(outcome, fields, 'dead letter replay failed: trying the parked event alone');
      return CONTINUE;
    }
    const failure = { at, error: outcome.error, statusCode: outcome.statusCode };
    // The letter is already set aside: a refusal, or a subscriber breaking on it, goes back to the
    // operator rather than stopping the stream behind a replay retried for ever.
    if (outcome.failure === 'refused' || outcome.failure === 'failing') {
      await recordReplayRefusal(db, name, head.event.aggregateId, head.id, failure);
      logFailure(outcome, fields, 'dead letter replay failed: parked until the next replay');
      return CONTINUE;
    }
    const delay =
      outcome.failure === 'unauthorized'
        ? unauthorizedDelayMs(deps.retry, deps.random)
        : retryDelayMs(deps.retry, head.attempts + 1, outcome.retryAfterMs, deps.random);
    await recordReplayRetry(db, key, head.id, failure, new Date(at.getTime() + delay));
    logFailure(outcome, { ...fields, delayMs: delay }, 'dead letter replay failed: will retry');
    return CONTINUE;
  }

  /**
   * What the failure says decides the next step (see decideAfterFailure): an outage or a wrong
   * secret retries the same batch for as long as it takes; a subscriber error narrows it; only a
   * refusal of the event itself, repeated, parks it.
   */
  async function onFailure(
    stream: StreamState,
    batch: readonly StreamEvent[],
    outcome: Failed,
  ): Promise<Step> {
    const now = clock();
    const head = batch[0]!;
    const decision = decideAfterFailure(
      outcome.failure,
      {
        batchLength: batch.length,
        batchLimit: stream.batchLimit,
        batchAttempts: stream.batchAttempts,
        failedAttempts: stream.failedAttempts,
        firstFailedAt: stream.firstFailedAt,
        retryAfterMs: outcome.retryAfterMs,
      },
      deps.retry,
      now,
      deps.random,
    );
    if (decision.kind === 'disable') return disable(outcome.error);
    if (decision.kind === 'park') {
      const parked = await db.transaction().execute((trx) =>
        parkEvent(trx, key, instanceId, stream.checkpoint, head, {
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
          "event parked as a dead letter: the order's later events wait behind it",
        );
      }
      return CONTINUE;
    }
    await recordDeliveryFailure(db, key, instanceId, stream.checkpoint, {
      batchLimit: decision.batchLimit,
      batchAttempts: decision.batchAttempts,
      nextAttemptAt: new Date(now.getTime() + decision.delayMs),
      failedAt: now,
      error: outcome.error,
      statusCode: outcome.statusCode,
    });
    logFailure(
      outcome,
      {
        eventId: head.eventId,
        events: batch.length,
        attempts: stream.failedAttempts + 1,
        batchLimit: decision.batchLimit,
        delayMs: decision.delayMs,
      },
      decision.narrowed ? 'delivery failed: narrowing the batch' : 'delivery failed: will retry',
    );
    return CONTINUE;
  }

  /**
   * Events of orders that have an open dead letter wait behind it: recorded as held, in the same
   * transaction as the checkpoint move past them, so that a crash cannot lose them nor deliver them.
   */
  async function advancePast(
    stream: StreamState,
    target: { txId: string; position: string },
    held: readonly StreamEvent[],
    batchLimit: number | null,
  ): Promise<boolean> {
    if (held.length === 0)
      return advanceCheckpoint(db, key, instanceId, stream.checkpoint, target, batchLimit);
    const advanced = await db.transaction().execute(async (trx) => {
      const moved = await advanceCheckpoint(trx, key, instanceId, stream.checkpoint, target, batchLimit);
      if (moved) {
        await holdEvents(trx, key, held, clock());
        await releaseUnblockedHeld(trx, key, held);
      }
      return moved;
    });
    if (advanced) {
      deps.metrics.delivery(name, 'held', held.length, 0);
      log.info(
        { events: held.length, orders: [...new Set(held.map((event) => event.aggregateId))] },
        "events held behind their order's dead letter",
      );
    }
    return advanced;
  }

  async function step(): Promise<Step> {
    const stream = await loadStream(db, key);
    if (!stream) return { kind: 'lost', why: 'subscription removed' };
    if (stream.leaseOwner !== instanceId) return { kind: 'lost', why: 'lease taken over' };
    if (!stream.enabled) return { kind: 'lost', why: 'subscription disabled' };
    const now = clock();
    if (stream.nextAttemptAt && stream.nextAttemptAt > now)
      return { kind: 'wait', ms: Math.min(stream.nextAttemptAt.getTime() - now.getTime(), deps.pollMs) };

    const group = stream.replayPending
      ? await nextReplayGroup(db, key, stream.checkpoint, deps.batchSize)
      : [];
    if (group.length > 0) return replay(stream, group);

    const limit = stream.batchLimit ?? deps.batchSize;
    const readStartedAt = performance.now();
    const {
      events: read,
      caughtUpTo,
      hiddenByFence,
    } = await readStreamBatch(db, stream.checkpoint, stream.eventTypes, limit, {
      partition: stream.partition,
      partitions: stream.partitions,
    });
    const batchRead = { startedAt: readStartedAt, doneAt: performance.now() };
    // Past the batch, and past the events of other types behind it when the read saw them all
    // (caughtUpTo is then the last row behind the fence, never before the batch's last event).
    const through = caughtUpTo ?? read.at(-1);
    if (!through) {
      if (hiddenByFence) {
        fenceWait = nextFenceWait(fenceWait, clock().getTime(), deps.pollMs);
        return { kind: 'wait', ms: fenceWait.ms };
      }
      fenceWait = undefined;
      return { kind: 'wait', ms: deps.pollMs };
    }
    fenceWait = undefined;
    // The read saw every committed row after the checkpoint: once this step has moved past them,
    // what commits later sends a NOTIFY, which wakes the worker (at once if it came during the
    // step), so wait for it rather than read again to find nothing. Polling only, read again: rows
    // that committed during the delivery would otherwise wait for the next poll.
    const caughtUp = caughtUpTo !== null && !hiddenByFence && deps.isListening();
    const afterStep: Step = caughtUp ? { kind: 'wait', ms: deps.pollMs } : CONTINUE;
    const target = { txId: through.txId, position: through.position };
    if (read.length === 0) {
      log.debug({ through: through.position }, "no event of this stream's types: skipped");
      const skipped = await advanceCheckpoint(
        db,
        key,
        instanceId,
        stream.checkpoint,
        target,
        stream.batchLimit,
      );
      return skipped ? afterStep : CONTINUE;
    }
    const blocked = stream.openDeadLetters ? await blockedOrders(db, name, read) : NONE_BLOCKED;
    const isHeld = (event: StreamEvent) => blocked.has(event.aggregateId);
    // Held events at the head of the read are set aside at once, so that the head of what is sent
    // is always deliverable: narrowing then isolates, and parking parks, a real failure.
    const firstDeliverable = read.findIndex((event) => !isHeld(event));
    if (firstDeliverable !== 0) {
      const heldHead = firstDeliverable === -1 ? read : read.slice(0, firstDeliverable);
      const last = heldHead.at(-1)!;
      const to = firstDeliverable === -1 ? target : { txId: last.txId, position: last.position };
      await advancePast(stream, to, heldHead, stream.batchLimit);
      return CONTINUE;
    }
    const batch = read.filter((event) => !isHeld(event));
    const held = read.filter(isHeld);

    const started = performance.now();
    const outcome = await deliver(stream, batch, batchRead);
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
      const advanced = await advancePast(stream, target, held, widen(stream.batchLimit, deps.batchSize));
      if (!advanced) log.warn('checkpoint moved while delivering (rewind or takeover); re-reading');
      // Holding events may have released some at once (their order's letter was discarded during
      // the delivery, and that discard found nothing to release, so it sent no NOTIFY): step again
      // to replay them now rather than at the next poll.
      return advanced && held.length === 0 ? afterStep : CONTINUE;
    }
    deps.metrics.delivery(name, outcome.failure === 'gone' ? 'gone' : 'failed', batch.length, seconds);
    return onFailure(stream, read, outcome);
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
        deps.onLost(key);
        return;
      }
      if (next.kind === 'wait' && !stopping) await signal.wait(next.ms);
    }
  })();

  return {
    key,
    wake: () => signal.notify(),
    stop: async () => {
      stopping = true;
      signal.notify();
      await done;
    },
  };
}
