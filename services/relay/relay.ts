import type { Kysely } from 'kysely';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DB } from '../common/db/database.js';
import type { Logger } from '../common/logger.js';
import { systemClock, type Clock } from '../common/clock.js';
import type { RelayConfig } from './config.js';
import { createHttpDelivery } from './delivery/http-delivery.js';
import { createHttpTransport } from './delivery/http-transport.js';
import { routeByScheme } from './delivery/route-by-scheme.js';
import { createNatsTransport, type NatsTransport } from './nats/nats-transport.js';
import { startFenceWatch } from './fence-watch.js';
import { startMaintenanceJobs, type MaintenanceJobs } from './maintenance/maintenance-jobs.js';
import { noMetrics, type RelayMetrics } from './relay-metrics.js';
import { startStreamWorker, type StreamWorker } from './stream-worker.js';
import {
  claimStreams,
  countEnabledStreams,
  heartbeatInstance,
  releaseLeases,
  removeInstance,
  renewLeases,
} from './streams/leases.js';
import { streamId, type StreamKey } from './streams/partition.js';
import { startOutboxListener, type OutboxListener } from './wake/outbox-listener.js';

export type RelayOptions = {
  db: Kysely<DB>;
  /** For the dedicated LISTEN connection. */
  databaseUrl: string;
  config: Pick<
    RelayConfig,
    | 'batchSize'
    | 'pollMs'
    | 'listen'
    | 'retry'
    | 'httpTimeoutMs'
    | 'natsTimeoutMs'
    | 'lease'
    | 'instanceId'
    | 'purgeSchedule'
    | 'outboxRetentionMs'
    | 'deadLetterRetentionMs'
    | 'fenceWarnAfterMs'
  >;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
  metrics?: RelayMetrics;
  /**
   * The NATS transport, when the caller already used it (run-relay checks every NATS subscription's
   * stream before starting, on the connections the streams then share); else one is made here.
   * Closed by stop() either way.
   */
  nats?: NatsTransport;
  /** Off in tests that drive the purge themselves. */
  maintenance?: boolean;
};

export type Relay = {
  instanceId: string;
  /** Streams this instance drives right now, as `subscription/partition` (see streamId). */
  ownedStreams(): string[];
  isListening(): boolean;
  /** Read now instead of at the next poll (what a NOTIFY does). */
  wake(): void;
  /** Stops claiming, lets every stream finish its in-flight batch, releases the leases. */
  stop(): Promise<void>;
};

/**
 * One relay instance: heartbeats, claims its fair share of the streams (ceil(streams / live
 * instances), a stream being one partition of a subscription), runs a worker per owned stream, wakes them on NOTIFY or poll, and gives back what
 * it holds beyond its share so that a new instance gets work.
 */
export function startRelay(options: RelayOptions): Relay {
  const { db, config, logger } = options;
  const instanceId = config.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = logger.child({ instanceId });
  const clock = options.clock ?? systemClock;
  const transport = routeByScheme({
    http: createHttpDelivery(createHttpTransport({ timeoutMs: config.httpTimeoutMs }), clock),
    nats: options.nats ?? createNatsTransport({ timeoutMs: config.natsTimeoutMs, logger: log }),
  });
  /** By streamId: keys are compared as strings. */
  const workers = new Map<string, StreamWorker>();
  let stopping = false;

  const workerDeps = {
    db,
    instanceId,
    batchSize: config.batchSize,
    pollMs: config.pollMs,
    retry: config.retry,
    transport,
    clock,
    random: options.random ?? Math.random,
    logger: log,
    metrics: options.metrics ?? noMetrics,
    // The listener starts below, before any worker.
    isListening: () => listener?.isListening() ?? false,
  };
  workerDeps.metrics.attach(instanceId);

  /**
   * A worker that let its stream go by itself (lease lost, subscription disabled or removed) is
   * forgotten and its lease released, but only while it is still the stream's worker here: one that
   * was stopped after a takeover may end its last step after this instance reclaimed the stream and
   * started another worker, whose entry and lease are not its to drop.
   */
  const forget = (key: StreamKey, worker: StreamWorker) => {
    const id = streamId(key);
    if (workers.get(id) !== worker) return;
    workers.delete(id);
    void releaseLeases(db, instanceId, [key]).catch((error: unknown) =>
      log.warn({ err: error, stream: id }, 'could not release a lease'),
    );
  };
  const startWorker = (key: StreamKey): StreamWorker => {
    // onLost runs after the worker's first await at the earliest, so `worker` is set by then.
    const worker = startStreamWorker({ ...workerDeps, onLost: () => forget(key, worker) }, key);
    return worker;
  };

  /**
   * Lets the worker finish its in-flight batch, then releases the lease. Not awaited by the
   * heartbeat: a slow delivery must never delay the renewal of the other leases.
   */
  const handingBack = new Map<string, Promise<void>>();
  const handBack = (id: string, share: number) => {
    const worker = workers.get(id);
    workers.delete(id);
    const done = (async () => {
      await worker?.stop();
      if (worker) await releaseLeases(db, instanceId, [worker.key]);
      log.info({ stream: id, share }, 'stream handed back to rebalance');
    })()
      .catch((error: unknown) => log.warn({ err: error, stream: id }, 'could not hand a stream back'))
      .finally(() => handingBack.delete(id));
    handingBack.set(id, done);
  };

  const wakeAll = () => {
    for (const worker of workers.values()) worker.wake();
  };

  async function rebalance(): Promise<void> {
    const alive = await heartbeatInstance(db, instanceId, config.lease.ttlMs);
    const owned = new Map(
      (await renewLeases(db, instanceId, config.lease.ttlMs)).map((key) => [streamId(key), key]),
    );
    for (const [id, worker] of workers) {
      // Taken over after we failed to renew in time: stop at once (its writes are fenced anyway).
      if (!owned.has(id)) {
        workers.delete(id);
        void worker.stop();
      }
    }
    if (stopping) return;
    const share = Math.ceil((await countEnabledStreams(db)) / Math.max(1, alive));
    const running = [...workers.keys()].filter((id) => owned.has(id));
    if (running.length > share) {
      for (const id of running.slice(share)) handBack(id, share);
      return;
    }
    for (const [id, key] of owned) {
      if (!workers.has(id) && !handingBack.has(id)) workers.set(id, startWorker(key));
    }
    const claimed = await claimStreams(db, instanceId, config.lease.ttlMs, share - workers.size);
    for (const key of claimed) workers.set(streamId(key), startWorker(key));
  }

  const listener: OutboxListener | undefined = config.listen
    ? startOutboxListener({ databaseUrl: options.databaseUrl, logger: log, onWake: wakeAll })
    : undefined;

  // One heartbeat at a time: when the database is slow, skip a beat rather than queue them up.
  let ticking: Promise<void> | undefined;
  const tick = () => {
    if (ticking) return;
    ticking = rebalance()
      .then(() => workerDeps.metrics.heartbeat(workers.size))
      .catch((error: unknown) => log.error({ err: error }, 'lease heartbeat failed'))
      .finally(() => (ticking = undefined));
  };
  tick();
  const timer = setInterval(tick, config.lease.renewMs);

  const maintenance: MaintenanceJobs | undefined =
    options.maintenance === false
      ? undefined
      : startMaintenanceJobs({
          db,
          logger: log,
          clock: workerDeps.clock,
          purgeSchedule: config.purgeSchedule,
          retentionMs: config.outboxRetentionMs,
          deadLetterRetentionMs: config.deadLetterRetentionMs,
        });
  const fenceWatch = startFenceWatch({
    db,
    logger: log,
    clock: workerDeps.clock,
    warnAfterMs: config.fenceWarnAfterMs,
  });
  log.info('relay started');

  return {
    instanceId,
    ownedStreams: () => [...workers.keys()],
    isListening: () => listener?.isListening() ?? false,
    wake: wakeAll,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      await ticking;
      await maintenance?.stop();
      await fenceWatch.stop();
      await listener?.stop();
      await Promise.all([...workers.values()].map((worker) => worker.stop()));
      await Promise.all(handingBack.values());
      workers.clear();
      await releaseLeases(db, instanceId);
      await removeInstance(db, instanceId);
      await transport.close();
      log.info('relay stopped; leases released');
    },
  };
}
