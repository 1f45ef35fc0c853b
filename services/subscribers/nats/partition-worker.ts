import type { Kysely } from 'kysely';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Clock } from '../../common/clock.js';
import type { DB } from '../../common/db/database.js';
import { isTransientDatabaseError } from '../../common/db/transient.js';
import type { Logger } from '../../common/logger.js';
import { countBatch } from '../inbox/count-batch.js';
import { handleBatch } from '../inbox/handle-batch.js';
import type { InboxMetrics } from '../inbox/inbox-metrics.js';
import type { BatchEntry } from '../inbox/read-batch.js';
import type { SubscriberEffects } from '../inbox/subscriber.js';
import type { NatsSourceMetrics } from './nats-source-metrics.js';
import { spanTime } from '../../common/tracing/span-time.js';
import { inApplySpan } from './apply-span.js';
import { holdsLease } from './partition-leases.js';
import { ack, nak, pullMessages, term, type PulledMessage } from './pull-messages.js';
import { readMessage } from './read-message.js';

export type PartitionWorkerOptions = {
  nc: NatsConnection;
  db: Kysely<DB>;
  effects: SubscriberEffects;
  clock: Clock;
  logger: Logger;
  metrics: InboxMetrics;
  natsMetrics: NatsSourceMetrics;
  stream: string;
  consumer: string;
  partition: number;
  instanceId: string;
  batchSize: number;
  /** How long one pull waits for a first message. */
  pullWaitMs: number;
  /** Until when (Date.now() terms) a pull may start: the lease then still outlasts its messages' ack wait. */
  pullableUntil: () => number;
};

export type PartitionWorker = {
  /** Stops pulling, finishes the batch in hand (applied and acknowledged, or given back). */
  stop(): Promise<void>;
  /** False once it stopped by itself (it lost its lease in a batch's transaction). */
  running(): boolean;
};

class LeaseLost extends Error {}

const MAX_BACKOFF_MS = 30_000;

/**
 * Consumes one partition while this instance holds its lease: pull a batch, apply it in one inbox
 * transaction that re-checks the lease, acknowledge after the commit. A batch that fails is given
 * back at once (nak: JetStream hands it out again before anything newer) and retried after a backoff
 * that doubles up to 30 s; nothing newer is pulled meanwhile, so the partition keeps its order.
 */
export function startPartitionWorker(options: PartitionWorkerOptions): PartitionWorker {
  const { nc, logger, partition } = options;
  const log = logger.child({ partition, consumer: options.consumer });
  const stopping = new AbortController();
  let failures = 0;
  let running = true;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      }
    });

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      if (Date.now() >= options.pullableUntil()) {
        // The lease is too close to its end to pull: wait for its renewal (or for the keeper to stop us).
        await pause(100);
        continue;
      }
      let pulled: PulledMessage[];
      try {
        pulled = await pullMessages(
          nc,
          options.stream,
          options.consumer,
          options.batchSize,
          options.pullWaitMs,
        );
      } catch (error) {
        log.warn({ err: error }, 'pull from NATS failed; retrying');
        await pause(1_000);
        continue;
      }
      if (pulled.length === 0) continue;
      const outcome = await apply(pulled);
      if (outcome === 'lease lost') return;
      if (outcome === 'failed') {
        failures++;
        await pause(Math.min(MAX_BACKOFF_MS, 250 * 2 ** (failures - 1)));
      } else failures = 0;
    }
  })().finally(() => {
    running = false;
  });

  async function apply(pulled: PulledMessage[]): Promise<'applied' | 'failed' | 'lease lost'> {
    const entries: BatchEntry[] = [];
    const settle: PulledMessage[] = [];
    let ignored = 0;
    for (const message of pulled) {
      const read = readMessage(message.msg.data);
      if (!read.ok) {
        term(nc, message);
        options.natsMetrics.terminated.inc({ reason: read.reason });
        options.metrics.failures.inc({ reason: read.reason });
        log.error(
          {
            subject: message.msg.subject,
            streamSequence: message.streamSequence,
            reason: read.reason,
            detail: read.detail,
          },
          'NATS message can never be applied: terminated',
        );
        continue;
      }
      settle.push(message);
      // Types this service does not act on: acknowledged without effect, as the relay's type filter
      // would have kept them from an HTTP subscriber altogether.
      if (read.entry.event && options.effects.handles.includes(read.entry.event.type))
        entries.push(read.entry);
      else ignored++;
    }
    if (entries.length > 0) {
      try {
        await inApplySpan(options.effects.name, settle, async (span) => {
          const applying = options.metrics.applySeconds.startTimer({ source: 'nats' });
          const summary = await handleBatch(
            options.db,
            options.effects,
            entries,
            options.clock,
            async (trx) => {
              if (!(await holdsLease(trx, options.effects.name, options.instanceId, partition)))
                throw new LeaseLost();
            },
          );
          applying();
          span?.addEvent('committed', spanTime());
          countBatch(options.metrics, log, summary, entries);
        });
      } catch (error) {
        for (const message of settle) nak(nc, message);
        if (error instanceof LeaseLost) {
          options.metrics.failures.inc({ reason: 'lease_lost' });
          log.warn(
            { events: settle.length },
            'partition lease lost before the batch committed: given back unapplied',
          );
          return 'lease lost';
        }
        const transient = isTransientDatabaseError(error);
        options.metrics.failures.inc({ reason: transient ? 'transient' : 'effect' });
        log.error(
          { err: error, events: settle.length, deliveryCount: settle[0]?.deliveryCount },
          transient ? 'batch not applied: database busy; given back' : 'batch failed; given back',
        );
        return 'failed';
      }
    }
    options.metrics.ignored.inc(ignored);
    for (const message of settle) ack(nc, message);
    return 'applied';
  }

  return {
    async stop() {
      stopping.abort();
      await loop;
    },
    running: () => running,
  };
}
