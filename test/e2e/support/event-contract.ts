import { expect } from '@jest/globals';
import { eventSchemaValidator } from '../../support/event-schema-validator.js';
import { operatorAuthorization } from './operator-authorization.js';
import type { RunningSystem } from './system.js';
import { EVENTS_OF, type PlacedOrder } from './workload.js';

const CONCURRENCY = 8;

/**
 * Every event the orders produced, as the Order API lists them (the CloudEvents the relay
 * delivers), validates against its payload schema in the AsyncAPI document the relay serves.
 */
export async function expectEventsMatchContract(system: RunningSystem, orders: PlacedOrder[]): Promise<void> {
  const served = await fetch(`${system.service('relay').url}/asyncapi.json`);
  expect(served.status).toBe(200);
  const validate = eventSchemaValidator((await served.json()) as Record<string, unknown>);
  const orderApi = system.service('order-api').url;
  const problems: string[] = [];
  let checked = 0;
  for (let start = 0; start < orders.length; start += CONCURRENCY) {
    await Promise.all(
      orders.slice(start, start + CONCURRENCY).map(async (order) => {
        const response = await fetch(`${orderApi}/orders/${order.id}/events`, {
          headers: { authorization: await operatorAuthorization() },
        });
        expect(response.status).toBe(200);
        const events = (await response.json()) as unknown[];
        for (const event of events)
          problems.push(...validate(event).map((problem) => `${order.id}: ${problem}`));
        checked += events.length;
      }),
    );
  }
  expect(problems).toEqual([]);
  expect(checked).toBe(orders.reduce((sum, order) => sum + EVENTS_OF[order.fate].length, 0));
}
