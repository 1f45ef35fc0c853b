import autocannon from 'autocannon';
import { distribution, type Distribution } from './percentiles.js';
import { CREATE_ORDER_PATH, createOrderBody, orderIdOf, placeOrderPath } from './order-requests.js';

export type ApiLoadResult = {
  /** Commands answered 2xx per second: a create and a place are one command each. */
  commandsPerSecond: number;
  ordersPerSecond: number;
  latencyMs: Distribution;
  commands: number;
  non2xx: number;
  errors: number;
  seconds: number;
};

type SequenceContext = { orderId?: string; n?: number };

let bodies = 0;

/**
 * Closed-loop load: `connections` clients, each creating an order and then placing it, over and
 * over, for `seconds`. Latency comes from autocannon's per-response timings (sub-millisecond)
 * rather than its integer histogram, over 2xx responses only.
 */
export async function runApiLoad(options: {
  baseUrl: string;
  /** The Authorization header of every request (an operator's token), sent even with auth off. */
  authorization: string;
  connections: number;
  seconds: number;
}): Promise<ApiLoadResult> {
  const latencies: number[] = [];
  let finished!: (result: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections: options.connections,
      duration: options.seconds,
      requests: [
        {
          method: 'POST',
          path: CREATE_ORDER_PATH,
          headers: { 'content-type': 'application/json', authorization: options.authorization },
          setupRequest: (request, context: SequenceContext) => {
            context.orderId = undefined;
            return { ...request, body: createOrderBody(bodies++) };
          },
          onResponse: (status, body, context: SequenceContext) => {
            context.orderId = status === 201 ? orderIdOf(body) : undefined;
          },
        },
        {
          method: 'POST',
          headers: { authorization: options.authorization },
          setupRequest: (request, context: SequenceContext) =>
            // No order to place (the create failed): start the sequence over.
            context.orderId ? { ...request, path: placeOrderPath(context.orderId) } : (undefined as never),
        },
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await done;
  const commands = result['2xx'];
  return {
    commandsPerSecond: commands / result.duration,
    // Every order is two commands in the sequence.
    ordersPerSecond: commands / result.duration / 2,
    latencyMs: distribution(latencies),
    commands,
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
  };
}
