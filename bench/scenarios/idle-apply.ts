import http from 'node:http';
import { postOnce } from '../http-poster.js';
import { performance } from 'node:perf_hooks';
import { v7 as uuidv7 } from 'uuid';
import { createDb } from '../../services/common/db/create-db.js';
import {
  CLOUDEVENTS_BATCH_CONTENT_TYPE,
  toCloudEvent,
  type OrderCloudEvent,
} from '../../services/common/events/cloud-event.js';
import { FIRST_EVENT_VERSION } from '../../services/common/events/order-events.js';
import { signWebhook } from '../../services/common/events/webhook-signature.js';
import { createPlainOrdersTable } from '../baseline/plain-orders-table.js';
import { sharedMeteredProcesses, type BenchContext } from '../context.js';
import { startCpuMeter, type PhaseCpu } from '../cpu-meter.js';
import { API_BASELINE, SUBSCRIBERS } from '../entry-points.js';
import { distribution, type Distribution } from '../percentiles.js';
import { startBenchSystem } from '../system.js';

/** The subscriber measured: email, whose OrderPlaced writes the most (order, held mail, mail). */
const SUBSCRIBER = SUBSCRIBERS.find((entry) => entry.name === 'email')!;

export type ApplyLatency = Distribution & { min: number };

export type IdleApplyResult = {
  events: number;
  subscriber: string;
  /** Request to answer, ms: one signed one-event batch at a time to the real subscriber. */
  subscriberMs: ApplyLatency;
  /** The same requests, unsigned, to a bare express handler doing one INSERT in a transaction. */
  baselineMs: ApplyLatency;
  /** Subscriber over baseline, p50 and min. */
  ratio: { p50: number; min: number };
  /** Both sides ran interleaved, so one reading covers them (per event: one to each side). */
  cpu: PhaseCpu;
};

/**
 * Scenario: the floor of one delivery. One OrderPlaced at a time, signed as the relay signs it, POSTed
 * to an idle email subscriber: request to answer, which is verify, parse, the inbox and the effects
 * in one transaction, and the commit. Beside it, in the same run and interleaved request by request,
 * the same body to the bare INSERT service (`POST /events`: BEGIN, one INSERT, COMMIT), so that what
 * the machine's noise does to one does it to the other. A warm-up of the same size is not counted.
 */
export async function runIdleApplyScenario(context: BenchContext): Promise<IdleApplyResult> {
  const { options } = context;
  const url = await context.postgres.freshDatabase('idle_apply');
  const setupDb = createDb({ connectionString: url, max: 1 });
  try {
    await createPlainOrdersTable(setupDb);
  } finally {
    await setupDb.destroy();
  }
  const system = await startBenchSystem(context, url, { baseline: true, subscribers: true });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const subscriberUrl = system.env[SUBSCRIBER.contract.urlVariable]!;
    const secret = system.env[SUBSCRIBER.contract.secretVariable]!;
    const baselineUrl = `${system.service(API_BASELINE.name).url}/events`;
    const post = (target: string, body: string, headers: Record<string, string>) =>
      timedPost(agent, target, body, { 'content-type': CLOUDEVENTS_BATCH_CONTENT_TYPE, ...headers });

    const round = async (times: { subscriber: number[]; baseline: number[] } | undefined) => {
      const batch = [orderPlaced()];
      const body = JSON.stringify(batch);
      const subscriberMs = await post(subscriberUrl, body, signWebhook(secret, `msg_${batch[0]!.id}`, body));
      const baselineMs = await post(baselineUrl, body, {});
      times?.subscriber.push(subscriberMs);
      times?.baseline.push(baselineMs);
    };

    context.progress(
      `idle apply: ${options.applyEvents} one-event batches to ${SUBSCRIBER.name} and the bare INSERT`,
    );
    for (let i = 0; i < options.applyEvents; i++) await round(undefined);
    const times = { subscriber: [] as number[], baseline: [] as number[] };
    const meter = startCpuMeter([
      { name: SUBSCRIBER.name, pid: system.service(SUBSCRIBER.name).pid },
      { name: API_BASELINE.name, pid: system.service(API_BASELINE.name).pid },
      ...sharedMeteredProcesses(context),
    ]);
    for (let i = 0; i < options.applyEvents; i++) await round(times);
    const cpu = meter.stop('events', options.applyEvents);
    const latency = (values: number[]): ApplyLatency => ({
      ...distribution(values),
      min: Math.min(...values),
    });
    const subscriberMs = latency(times.subscriber);
    const baselineMs = latency(times.baseline);
    return {
      events: options.applyEvents,
      subscriber: SUBSCRIBER.name,
      subscriberMs,
      baselineMs,
      ratio: { p50: subscriberMs.p50 / baselineMs.p50, min: subscriberMs.min / baselineMs.min },
      cpu,
    };
  } finally {
    agent.destroy();
    await system.stop();
  }
}

/** A new order's OrderPlaced, as the relay would send it. */
function orderPlaced(): OrderCloudEvent {
  const orderId = uuidv7();
  return toCloudEvent({
    position: '1',
    eventId: uuidv7(),
    aggregateType: 'Order',
    aggregateId: orderId,
    aggregateVersion: FIRST_EVENT_VERSION,
    eventType: 'OrderPlaced',
    payload: { orderId, customerId: 'bench-customer', items: [{ sku: 'SKU-1', quantity: 1 }] },
    metadata: {},
    occurredAt: new Date(),
  });
}

/** POSTs and resolves with the milliseconds from sending to the whole answer; throws on non-2xx. */
async function timedPost(
  agent: http.Agent,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  const started = performance.now();
  const response = await postOnce(agent, url, headers, body);
  const ms = performance.now() - started;
  if (response.status < 200 || response.status >= 300)
    throw new Error(`${url} answered ${response.status}: ${response.body.slice(0, 300)}`);
  return ms;
}
