import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AckPolicy, DeliverPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Clock } from '../../common/clock.js';
import type { DB } from '../../common/db/database.js';
import type { Logger } from '../../common/logger.js';
import type { NatsEndpoint } from '../../common/nats/nats-endpoint.js';
import { partitionSubjects } from '../../common/nats/subjects.js';
import { createInboxMetrics } from '../inbox/inbox-metrics.js';
import type { SubscriberEffects } from '../inbox/subscriber.js';
import { createNatsSourceMetrics } from './nats-source-metrics.js';
import { leaseTiming, type LeaseTiming } from './lease-timing.js';
import {
  claimLeases,
  ensurePartitionRows,
  forgetInstance,
  heartbeat,
  releaseLease,
  renewLeases,
  type HeldLease,
} from './partition-leases.js';
import { startPartitionWorker, type PartitionWorker } from './partition-worker.js';
import { waitForStream } from './stream-check.js';

export type NatsEventSourceOptions = {
  endpoint: NatsEndpoint;
  db: Kysely<DB>;
  effects: SubscriberEffects;
  clock: Clock;
  logger: Logger;
  /** The app's registry: the inbox counters are shared with POST /events. */
  registry: Registry;
  ackWaitMs: number;
  batchSize: number;
};

export type NatsEventSource = {
  /** Resolves once consuming; rejects when the source is refused (EventSourceRefused) or cannot start. */
  started: Promise<void>;
  /** For /readyz: connected to NATS and consuming. */
  isReady(): boolean;
  /** Stops pulling, finishes and acknowledges the batches in hand, gives the leases back, closes. */
  stop(): Promise<void>;
};

/** The durable consumer of one partition: named after the service and the partition (email-p3). */
export const consumerName = (service: string, partition: number) => `${service}-p${partition}`;

/**
 * A subscriber consuming its events from JetStream: one durable pull consumer per partition, and one
 * instance at a time per partition, by lease (partition-leases.ts). Each instance heartbeats, keeps
 * ceil(partitions / live instances) leases, claims free or expired ones, gives back what exceeds its
 * share, and runs a partition worker for each lease it holds.
 */
export function startNatsEventSource(options: NatsEventSourceOptions): NatsEventSource {
  const { endpoint, db, logger } = options;
  const schema = options.effects.name;
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const timing = leaseTiming(options.ackWaitMs);
  const metrics = createInboxMetrics(options.registry);
  const natsMetrics = createNatsSourceMetrics(options.registry);
  const workers = new Map<number, { worker: PartitionWorker; deadline: number }>();
  let nc: NatsConnection | undefined;
  let connected = false;
  let consuming = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let tickInFlight: Promise<void> = Promise.resolve();

  const started = (async () => {
    nc = await connect({
      servers: endpoint.servers,
      user: endpoint.user,
      pass: endpoint.password,
      name: `${schema}-${instanceId}`,
      maxReconnectAttempts: -1,
      // Keep reconnecting after authentication errors too (the client's default gives up after two).
      ignoreAuthErrorAbort: true,
    });
    connected = true;
    void watchConnection(nc);
    const stream = await waitForStream(nc, endpoint, logger, () => stopping);
    if (!stream) return;
    for (let partition = 0; partition < endpoint.partitions; partition++) {
      await ensureConsumer(stream.jsm, partition, timing);
    }
    await ensurePartitionRows(db, schema, endpoint.partitions);
    consuming = true;
    logger.info(
      { stream: endpoint.stream, partitions: endpoint.partitions, instanceId, ackWaitMs: timing.ackWaitMs },
      'consuming events from NATS JetStream',
    );
    tick();
    timer = setInterval(tick, timing.renewEveryMs);
  })();

  async function watchConnection(connection: NatsConnection) {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        logger.warn('NATS connection lost; reconnecting');
      } else if (status.type === 'reconnect') {
        connected = true;
        logger.info('NATS connection back');
      }
    }
  }

  async function ensureConsumer(jsm: JetStreamManager, partition: number, { ackWaitMs }: LeaseTiming) {
    const name = consumerName(schema, partition);
    const config = {
      durable_name: name,
      filter_subject: partitionSubjects(endpoint.subjectPrefix, partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ackWaitMs),
      // Nothing beyond one batch is handed out unacknowledged: after a failure or a takeover the
      // messages given back are all there is to redeliver, and they come first.
      max_ack_pending: options.batchSize,
    };
    try {
      await jsm.consumers.info(endpoint.stream, name);
      await jsm.consumers.update(endpoint.stream, name, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    } catch (error) {
      if ((error as { code?: number }).code !== 10014) throw error; // 10014: consumer not found
      await jsm.consumers.add(endpoint.stream, config);
    }
  }

  // One pass of lease keeping at a time; a slow database delays the next one instead of stacking them.
  function tick() {
    tickInFlight = tickInFlight.then(keepLeases).catch((error: unknown) => {
      logger.warn({ err: error }, 'partition lease keeping failed; retrying');
    });
  }

  async function keepLeases() {
    if (stopping || !nc) return;
    const live = await heartbeat(db, schema, instanceId, timing.leaseTtlMs);
    const askedAt = Date.now();
    const held = await renewLeases(db, schema, instanceId, endpoint.partitions, timing.leaseTtlMs);
    const heldNow = new Set(held.map((lease) => lease.partition));
    for (const [partition, entry] of workers) {
      if (heldNow.has(partition)) continue;
      logger.warn({ partition }, 'partition lease lost; stopped consuming it');
      workers.delete(partition);
      await entry.worker.stop();
    }
    const share = Math.ceil(endpoint.partitions / Math.max(1, live));
    const surplus = held.slice(share);
    for (const { partition } of surplus) await handBack(partition);
    const kept = held.slice(0, share);
    const claimed = await claimLeases(
      db,
      schema,
      instanceId,
      endpoint.partitions,
      share - kept.length,
      timing.leaseTtlMs,
    );
    for (const lease of [...kept, ...claimed]) run(lease, askedAt);
    natsMetrics.partitionsOwned.set(workers.size);
  }

  function run(lease: HeldLease, askedAt: number) {
    // The database's view of what is left, counted from before we asked: never later than the truth.
    const deadline = askedAt + lease.remainingMs;
    const entry = workers.get(lease.partition);
    if (entry?.worker.running()) {
      entry.deadline = deadline;
      return;
    }
    if (!entry) logger.info({ partition: lease.partition }, 'partition lease taken; consuming it');
    const fresh = { deadline } as { deadline: number; worker: PartitionWorker };
    fresh.worker = startPartitionWorker({
      nc: nc!,
      db,
      effects: options.effects,
      clock: options.clock,
      logger,
      metrics,
      natsMetrics,
      stream: endpoint.stream,
      consumer: consumerName(schema, lease.partition),
      partition: lease.partition,
      instanceId,
      batchSize: options.batchSize,
      pullWaitMs: timing.pullWaitMs,
      pullableUntil: () => fresh.deadline - timing.pullMarginMs,
    });
    workers.set(lease.partition, fresh);
  }

  /** Stops a partition's worker, makes sure NATS has its acks, then frees the lease for another. */
  async function handBack(partition: number) {
    const entry = workers.get(partition);
    workers.delete(partition);
    await entry?.worker.stop();
    await nc!.flush();
    await releaseLease(db, schema, instanceId, partition);
    logger.info({ partition }, 'partition lease handed back');
  }

  return {
    started,
    isReady: () => consuming && connected,
    async stop() {
      stopping = true;
      clearInterval(timer);
      await tickInFlight;
      if (nc && !nc.isClosed()) {
        for (const partition of [...workers.keys()]) await handBack(partition);
        await forgetInstance(db, schema, instanceId);
        await nc.drain();
      }
      natsMetrics.partitionsOwned.set(0);
      consuming = false;
    },
  };
}
