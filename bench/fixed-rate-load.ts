import { createHttpPoster } from './http-poster.js';
import { distribution, type Distribution } from './percentiles.js';
import { CREATE_ORDER_PATH, createOrderBody, orderIdOf, placeOrderPath } from './order-requests.js';

export type FixedRateResult = {
  rate: number;
  seconds: number;
  ordersSent: number;
  ordersPlaced: number;
  failures: number;
  /** Placed orders per second actually achieved (below `rate` when the system cannot keep up). */
  achievedRate: number;
  /** Create + place, from when the order was due (not when it was sent): open-loop latency. */
  orderLatencyMs: Distribution;
  firstFailure: string | undefined;
};

let sequence = 0;

/**
 * Open-loop load: an order is due every 1/rate seconds whatever happened to the earlier ones, and
 * each is created and then placed over keep-alive connections (Node's fetch). A slow system
 * therefore shows up as latency and a lower achieved rate, not as a politely slower client.
 */
export async function placeOrdersAtRate(options: {
  baseUrl: string;
  /** The Authorization header of every request (an operator's token). */
  authorization: string;
  rate: number;
  seconds: number;
}): Promise<FixedRateResult> {
  const total = Math.round(options.rate * options.seconds);
  const client = createHttpPoster(options.baseUrl, options.authorization);
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let placed = 0;
  let failures = 0;
  let firstFailure: string | undefined;

  const placeOne = async (dueAt: number) => {
    try {
      const created = await client.post(CREATE_ORDER_PATH, createOrderBody(sequence++));
      const orderId = created.status === 201 ? orderIdOf(created.body) : undefined;
      if (!orderId) throw new Error(`create answered ${created.status}: ${created.body.slice(0, 200)}`);
      const placedResponse = await client.post(placeOrderPath(orderId));
      if (placedResponse.status < 200 || placedResponse.status >= 300)
        throw new Error(`place answered ${placedResponse.status}: ${placedResponse.body.slice(0, 200)}`);
      placed++;
      latencies.push(performance.now() - dueAt);
    } catch (error) {
      failures++;
      firstFailure ??= error instanceof Error ? error.message : String(error);
    }
  };

  const started = performance.now();
  for (let sent = 0; sent < total;) {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsed * options.rate) / 1000) + 1);
    for (; sent < due; sent++) {
      const dueAt = started + (sent * 1000) / options.rate;
      const request = placeOne(dueAt).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    const nextDueAt = started + (sent * 1000) / options.rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextDueAt - performance.now())));
  }
  await Promise.all(inFlight);
  client.close();
  const seconds = (performance.now() - started) / 1000;
  return {
    rate: options.rate,
    seconds,
    ordersSent: total,
    ordersPlaced: placed,
    failures,
    achievedRate: placed / seconds,
    orderLatencyMs: distribution(latencies),
    firstFailure,
  };
}
