import { sql, type Kysely } from 'kysely';
import { createDb } from '../../services/common/db/create-db.js';
import type { DB } from '../../services/common/db/database.js';
import { sharedMeteredProcesses, type BenchContext } from '../context.js';
import { startCpuMeter, type PhaseCpu } from '../cpu-meter.js';
import { endToEndLatency, latencyClock, outboxHighWater, type LatencyClock } from '../e2e-latency.js';
import { ORDER_API, RELAY, SUBSCRIBERS } from '../entry-points.js';
import { operatorAuthorization } from '../../test/e2e/support/operator-authorization.js';
import { placeOrdersAtRate, type FixedRateResult } from '../fixed-rate-load.js';
import { hopBreakdown, type HopBreakdown } from '../hop-breakdown.js';
import { waitForInboxes, type InboxTable } from '../inbox-progress.js';
import { startOtlpReceiver } from '../otlp-receiver.js';
import type { Distribution } from '../percentiles.js';
import { startBenchSystem } from '../system.js';

export type WakeUp = 'listen' | 'polling';

export type EndToEndRun = {
  wakeUp: WakeUp;
  rate: number;
  pollMs: number;
  load: FixedRateResult;
  clock: LatencyClock;
  /** Outbox commit -> subscriber commit, in ms, per subscriber and over every delivery. */
  latencyMs: Record<string, Distribution> & { all: Distribution };
  /**
   * Relay connections seen idle after a LISTEN (pg_stat_activity): at least 1 expected with
   * LISTEN/NOTIFY, 0 when polling only. A check that the relay honoured the switch.
   */
  listeningConnections: number;
  cpu: PhaseCpu;
};

/**
 * Where the time of an end-to-end delivery goes: one more run, with tracing on (every service
 * exporting its spans to a receiver in the benchmark process), so its figures are not the runs'
 * above, which are measured with tracing off.
 */
export type EndToEndBreakdown = {
  wakeUp: WakeUp;
  rate: number;
  tracing: 'on';
  /** The traced run's own outbox commit -> subscriber commit, over every delivery. */
  latencyMs: Distribution;
  spansReceived: number;
  hops: HopBreakdown;
  cpu: PhaseCpu;
};

export type EndToEndResult = { runs: EndToEndRun[]; breakdown: EndToEndBreakdown };

const inboxes: InboxTable[] = SUBSCRIBERS.map((entry) => ({ name: entry.name, table: entry.inboxTable }));

/**
 * Scenario 3: orders placed at fixed rates through the real Order API, relayed to the four real
 * subscribers; latency from the outbox commit to each subscriber's commit. Every (wake-up, rate)
 * pair runs on a fresh database with freshly started services, after a warm-up that is not counted,
 * with tracing off; then the lowest rate once more with tracing on, for the breakdown by hop: at
 * the lowest rate the hops show the path itself, where at a higher one they mostly show queueing.
 */
export async function runEndToEndScenario(context: BenchContext): Promise<EndToEndResult> {
  const runs: EndToEndRun[] = [];
  for (const wakeUp of ['listen', 'polling'] as const) {
    for (const rate of context.options.rates) {
      context.progress(
        `end to end: ${rate} orders/s for ${context.options.e2eSeconds} s, wake-up by ${wakeUp}`,
      );
      runs.push((await runOnce(context, wakeUp, rate)).run);
    }
  }
  const rate = Math.min(...context.options.rates);
  context.progress(`end to end: ${rate} orders/s with tracing on, for the latency breakdown`);
  return { runs, breakdown: await runTraced(context, rate) };
}

/** The breakdown's run: LISTEN/NOTIFY at `rate`, every service exporting its spans to us. */
async function runTraced(context: BenchContext, rate: number): Promise<EndToEndBreakdown> {
  const receiver = await startOtlpReceiver({ keep: true });
  try {
    const { run, measuredFromMs } = await runOnce(context, 'listen', rate, receiver.url);
    // The services flushed their last spans as they stopped, at the end of runOnce.
    const spans = receiver.spans();
    return {
      wakeUp: run.wakeUp,
      rate,
      tracing: 'on',
      latencyMs: run.latencyMs.all,
      spansReceived: spans.length,
      hops: hopBreakdown(spans, measuredFromMs),
      cpu: run.cpu,
    };
  } finally {
    await receiver.close();
  }
}

async function runOnce(
  context: BenchContext,
  wakeUp: WakeUp,
  rate: number,
  traceTo?: string,
): Promise<{ run: EndToEndRun; measuredFromMs: number }> {
  const { options } = context;
  const url = await context.postgres.freshDatabase(`e2e_${wakeUp}_${rate}${traceTo ? '_traced' : ''}`);
  const db = createDb({ connectionString: url, max: 2 });
  const system = await startBenchSystem(context, url, {
    subscribers: true,
    orderApi: true,
    relay: { listen: wakeUp === 'listen' },
    ...(traceTo ? { traceTo } : {}),
  }).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  try {
    const baseUrl = system.service(ORDER_API.name).url;
    const authorization = await operatorAuthorization();
    const drainTimeoutMs = options.drainTimeoutSeconds * 1000;
    let placedSoFar = 0;
    const waitUntilDelivered = () =>
      waitForInboxes(db, inboxes, Object.fromEntries(inboxes.map((inbox) => [inbox.name, placedSoFar])), {
        timeoutMs: drainTimeoutMs,
      });

    if (options.warmupSeconds > 0) {
      const warmup = await placeOrdersAtRate({
        baseUrl,
        authorization,
        rate,
        seconds: options.warmupSeconds,
      });
      placedSoFar += warmup.ordersPlaced;
      await waitUntilDelivered();
    }
    const after = await outboxHighWater(db);
    const measuredFromMs = Date.now();
    const meter = startCpuMeter([
      ...Object.values(system.services).map((service) => ({ name: service.name, pid: service.pid })),
      ...sharedMeteredProcesses(context),
    ]);
    const load = await placeOrdersAtRate({ baseUrl, authorization, rate, seconds: options.e2eSeconds });
    placedSoFar += load.ordersPlaced;
    await waitUntilDelivered();
    const cpu = meter.stop('events', load.ordersPlaced);
    const upTo = await outboxHighWater(db);

    const clock = await latencyClock(db);
    const range = { after, upTo };
    const latencyMs: Record<string, Distribution> = {};
    for (const inbox of inboxes) latencyMs[inbox.name] = await endToEndLatency(db, [inbox], range, clock);
    const all = await endToEndLatency(db, inboxes, range, clock);
    const run: EndToEndRun = {
      wakeUp,
      rate,
      pollMs: options.pollMs,
      load,
      clock,
      latencyMs: { ...latencyMs, all },
      listeningConnections: await listeningConnections(db),
      cpu,
    };
    return { run, measuredFromMs };
  } finally {
    await system.stop();
    await db.destroy();
  }
}

async function listeningConnections(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    select count(*) as count from pg_stat_activity
     where datname = current_database()
       and (application_name = ${RELAY.listenerApplicationName} or (state = 'idle' and query ilike 'listen%'))`.execute(
    db,
  );
  return Number(rows[0]!.count);
}
