import { describe, expect, it } from '@jest/globals';
import { earliestStartMs, EVENTS_OF, expectedEventCount, fateOf, type Fate } from './workload.js';

describe('the fate of an order in the workload', () => {
  it.each<[string, { cancelEvery: number; cancelPendingEvery?: number }, Fate[]]>([
    [
      'every fifth cancelled after placing',
      { cancelEvery: 5 },
      ['delivered', 'delivered', 'delivered', 'delivered', 'cancelled', 'delivered'],
    ],
    [
      'every third cancelled while pending, every second after placing',
      { cancelEvery: 2, cancelPendingEvery: 3 },
      ['delivered', 'cancelled', 'cancelled-pending', 'cancelled', 'delivered', 'cancelled-pending'],
    ],
    [
      'both on the same order: cancelled while pending',
      { cancelEvery: 2, cancelPendingEvery: 2 },
      ['delivered', 'cancelled-pending', 'delivered', 'cancelled-pending', 'delivered', 'cancelled-pending'],
    ],
  ])('%s', (_name, options, fates) => {
    expect(fates.map((_fate, index) => fateOf(index, options))).toEqual(fates);
  });

  it('counts one OrderCancelled and nothing else for an order cancelled while pending', () => {
    const order = (fate: Fate) => ({ id: fate, customerId: 'c', items: [], fate });
    expect(EVENTS_OF['cancelled-pending']).toEqual(['OrderCancelled']);
    expect(expectedEventCount([order('cancelled-pending')], ['OrderPlaced', 'OrderCancelled'])).toBe(1);
    expect(expectedEventCount([order('cancelled-pending')], ['OrderPlaced', 'OrderShipped'])).toBe(0);
  });
});

describe('spreading the orders over a while', () => {
  it.each<[string, { orders: number; spreadOverMs?: number }, number[]]>([
    ['unset: every order may start at once', { orders: 4 }, [0, 0, 0, 0]],
    ['4 orders over 2 s: one every 500 ms', { orders: 4, spreadOverMs: 2_000 }, [0, 500, 1_000, 1_500]],
    ['300 orders over 120 s: one every 400 ms', { orders: 300, spreadOverMs: 120_000 }, [0, 400, 800, 1_200]],
  ])('%s', (_name, options, starts) => {
    expect(starts.map((_start, index) => earliestStartMs(index, options))).toEqual(starts);
  });
});
