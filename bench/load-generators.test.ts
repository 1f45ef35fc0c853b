import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { operatorAuthorization } from '../test/e2e/support/operator-authorization.js';
import { startApiHarness, type ApiHarness } from '../test/support/order-api-harness.js';
import { runApiLoad } from './api-load.js';
import { placeOrdersAtRate } from './fixed-rate-load.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApiHarness({ poolMax: 4 });
});

afterAll(async () => {
  await api.close();
});

/** Both load generators against the real Order API: they must send what they claim and count right. */
describe("the benchmark's load generators", () => {
  it('place orders at a fixed rate: every order created and placed once, each with its latency', async () => {
    const before = await api.counts();
    const result = await placeOrdersAtRate({
      baseUrl: api.baseUrl,
      authorization: await operatorAuthorization(),
      rate: 40,
      seconds: 0.5,
    });

    expect(result).toMatchObject({ rate: 40, ordersSent: 20, ordersPlaced: 20, failures: 0 });
    expect(result.orderLatencyMs.count).toBe(20);
    expect(result.achievedRate).toBeGreaterThan(0);
    const after = await api.counts();
    expect(after.orders - before.orders).toBe(20);
    expect(after.outbox - before.outbox).toBe(20);
  });

  it('loop create then place over autocannon connections, counting only 2xx as commands', async () => {
    const before = await api.counts();
    const result = await runApiLoad({
      baseUrl: api.baseUrl,
      authorization: await operatorAuthorization(),
      connections: 2,
      seconds: 1,
    });

    expect(result.non2xx).toBe(0);
    expect(result.commands).toBeGreaterThan(0);
    expect(result.latencyMs.count).toBe(result.commands);
    const after = await api.counts();
    // When time runs out a connection may leave one command done on the server but not counted,
    // and a created order not yet placed; nothing else goes unaccounted.
    const created = after.orders - before.orders;
    const placed = after.outbox - before.outbox;
    expect(created + placed).toBeGreaterThanOrEqual(result.commands);
    expect(created + placed).toBeLessThanOrEqual(result.commands + 2);
    expect(created - placed).toBeLessThanOrEqual(2);
  });
});
