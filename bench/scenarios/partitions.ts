import { sql } from 'kysely';
import { ORDER_EVENT_TYPES } from '../../services/common/events/order-events.js';
import { OUTBOX_NOTIFY_CHANNEL } from '../../services/common/events/outbox-notify.js';
import { createSubscription } from '../../services/relay/subscriptions/create-subscription.js';
import { waitFor } from '../../test/support/wait-for.js';
import { startReceiver } from '../../test/support/webhook-receiver.js';
import { meteredProcesses, onFreshSystem } from '../backlog-drain.js';
import type { BenchContext } from '../context.js';
import { startCpuMeter, type PhaseCpu } from '../cpu-meter.js';
import { seedOutbox } from '../seed-outbox.js';

export type PartitionsRun = {
  partitions: number;
  /** Events per second from the first batch's arrival to the last batch's answer. */
  eventsPerSecond: number;
  /** From the commit of the backlog until the receiver had every event. */
  secondsToBacklogZero: number;
  /** Most batches the receiver had in hand at once: how many partitions really overlapped. */
  maxBatchesInFlight: number;
  batches: number;
  /** Sanity: both 0 in a sound run (events delivered twice; orders whose events came out of order). */
  duplicates: number;
  ordersOutOfOrder: number;
  cpu: PhaseCpu;
};

export type PartitionsResult = {
  events: number;
  batchSize: number;
  receiverDelayMs: number;
  runs: PartitionsRun[];
  /** Per partition count, its events/s over the first count's (1 partition in the default run). */
  ratioToFirst: Record<string, number>;
};

/**
 * Scenario: one subscription to a subscriber that takes `receiverDelayMs` to answer every batch
 * (the tests' webhook receiver, in this process), drained by the relay with 1, 4 and 8 partitions
 * (BENCH_PARTITIONS). Each count gets a fresh database with the same backlog: the same orders
 * (fixed ids), so the same events in each partition. The relay is up before the backlog commits.
 */
export async function runPartitionsScenario(context: BenchContext): Promise<PartitionsResult> {
  const { options } = context;
  const runs: PartitionsRun[] = [];
  for (const partitions of options.partitions) {
    context.progress(
      `partitions: ${options.events} events, ${partitions} partition(s), receiver answers after ${options.receiverDelayMs} ms`,
    );
    runs.push(await drainWithPartitions(context, partitions));
  }
  const first = runs[0]!.eventsPerSecond;
  return {
    events: options.events,
    batchSize: options.batchSize,
    receiverDelayMs: options.receiverDelayMs,
    runs,
    ratioToFirst: Object.fromEntries(
      runs.map((run) => [String(run.partitions), run.eventsPerSecond / first]),
    ),
  };
}

async function drainWithPartitions(context: BenchContext, partitions: number): Promise<PartitionsRun> {
  const { options } = context;
  const receiver = await startReceiver();
  let firstArrival: number | undefined;
  let lastAnswer = 0;
  receiver.reply = async () => {
    firstArrival ??= performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.receiverDelayMs));
    lastAnswer = performance.now();
    return { status: 200 };
  };
  try {
    return await onFreshSystem(
      context,
      `partitions_${partitions}`,
      { relay: { listen: true, defaultSubscriptions: false } },
      async (system, db) => {
        let meter: ReturnType<typeof startCpuMeter> | undefined;
        await db.transaction().execute(async (trx) => {
          await seedOutbox(trx, options.events, { orderIds: 'fixed' });
          meter = startCpuMeter(meteredProcesses(context, system));
        });
        const committed = performance.now();
        await sql`select pg_notify(${OUTBOX_NOTIFY_CHANNEL}, '')`.execute(db);
        await waitFor(
          `${options.events} events at the receiver (${partitions} partitions)`,
          () => receiver.processed.length >= options.events,
          options.drainTimeoutSeconds * 1000,
        );
        const secondsToBacklogZero = (performance.now() - committed) / 1000;
        const cpu = meter!.stop('events', options.events);
        const seconds = (lastAnswer - firstArrival!) / 1000;
        return {
          partitions,
          eventsPerSecond: seconds > 0 ? options.events / seconds : 0,
          secondsToBacklogZero,
          maxBatchesInFlight: receiver.maxInFlight,
          batches: receiver.batches.length,
          duplicates: receiver.duplicates.length,
          ordersOutOfOrder: receiver.outOfOrder().length,
          cpu,
        };
      },
      // Before the relay starts, so it finds the subscription and no default ones.
      async (db) => {
        const created = await db.transaction().execute((trx) =>
          createSubscription(trx, {
            name: 'partitioned',
            endpointUrl: receiver.url,
            eventTypes: ORDER_EVENT_TYPES,
            secret: receiver.secret,
            from: 'beginning',
            partitions,
          }),
        );
        if (!created.ok) throw new Error('the partitioned subscription already exists');
      },
    );
  } finally {
    await receiver.close();
  }
}
