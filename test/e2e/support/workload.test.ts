import { describe, expect, it } from '@jest/globals';
import { EVENTS_OF, expectedEventCount, fateOf, type Fate } from './workload.js';

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
