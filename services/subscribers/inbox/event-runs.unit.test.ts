import { describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import type { DeliveredEvent } from './subscriber.js';
import { runsByOrderWave } from './event-runs.js';

const at = new Date('2026-11-27T10:00:00Z');
const placed = (orderId: string): DeliveredEvent => ({
  id: uuidv7(),
  occurredAt: at,
  aggregateVersion: 2,
  type: 'OrderPlaced',
  data: { orderId, customerId: 'c', items: [{ sku: 'A', quantity: 1 }] },
});
const shipped = (orderId: string): DeliveredEvent => ({
  id: uuidv7(),
  occurredAt: at,
  aggregateVersion: 3,
  type: 'OrderShipped',
  data: { orderId },
});
const cancelled = (orderId: string): DeliveredEvent => ({
  id: uuidv7(),
  occurredAt: at,
  aggregateVersion: 3,
  type: 'OrderCancelled',
  data: { orderId, reason: null },
});

describe('runs by order wave', () => {
  it('groups interleaved lifecycles into one run per type and wave, keeping each order in batch order', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(() => uuidv7()) as [string, string, string];
    const batch = [placed(a), shipped(a), placed(b), cancelled(b), placed(c), shipped(c), shipped(a)];
    const runs = runsByOrderWave(batch);
    expect(runs.map((run) => [run.type, run.events.map((event) => event.data.orderId)])).toEqual([
      ['OrderPlaced', [a, b, c]],
      ['OrderShipped', [a, c]],
      ['OrderCancelled', [b]],
      ['OrderShipped', [a]],
    ]);
    // Every event once, and per order the same sequence as in the batch.
    const flattened: DeliveredEvent[] = runs.flatMap((run): DeliveredEvent[] => run.events);
    expect(flattened).toHaveLength(batch.length);
    for (const order of [a, b, c]) {
      expect(flattened.filter((e) => e.data.orderId === order)).toEqual(
        batch.filter((e) => e.data.orderId === order),
      );
    }
  });

  it('never names one order twice in a run', () => {
    const a = uuidv7();
    const runs = runsByOrderWave([placed(a), placed(a), shipped(a), shipped(a)]);
    for (const run of runs) {
      const orders = run.events.map((event) => event.data.orderId);
      expect(new Set(orders).size).toBe(orders.length);
    }
    expect(runs.map((run) => run.type)).toEqual([
      'OrderPlaced',
      'OrderPlaced',
      'OrderShipped',
      'OrderShipped',
    ]);
  });
});
