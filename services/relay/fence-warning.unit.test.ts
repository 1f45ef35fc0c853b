import { describe, expect, it } from '@jest/globals';
import { decideFenceWarning, type FenceWarning } from './fence-warning.js';
import type { FenceHold } from './streams/read-fence-hold.js';

const at = (ms: number) => new Date(ms);
const free: FenceHold = { fenceTxId: '100', held: [] };
const heldBy = (fenceTxId: string, ...since: [string, number][]): FenceHold => ({
  fenceTxId,
  held: since.map(([subscription, ms]) => ({ subscription, since: at(ms) })),
});

describe('the fence watch', () => {
  it.each<[string, string | null, FenceHold, number, string | null, FenceWarning]>([
    // case, warned before, what the look found, now (ms), warned after, what to say
    ['nothing held, nothing said', null, free, 50_000, null, { kind: 'quiet' }],
    ['held, not long enough yet', null, heldBy('7', ['email', 40_000]), 50_000, null, { kind: 'quiet' }],
    [
      'held past the threshold: warn once, from the first event it hides',
      null,
      heldBy('7', ['email', 40_000], ['billing', 15_000]),
      50_000,
      '7',
      { kind: 'warn', fenceTxId: '7', heldForMs: 35_000, subscriptions: ['email', 'billing'] },
    ],
    [
      'still held by the same: said already',
      '7',
      heldBy('7', ['email', 1_000]),
      50_000,
      '7',
      { kind: 'quiet' },
    ],
    [
      'held past the threshold by another transaction: warn again',
      '7',
      heldBy('9', ['email', 10_000]),
      50_000,
      '9',
      { kind: 'warn', fenceTxId: '9', heldForMs: 40_000, subscriptions: ['email'] },
    ],
    ['free again after a warning: say so', '9', free, 50_000, null, { kind: 'released', fenceTxId: '9' }],
  ])('%s', (_case, warned, hold, now, warnedAfter, warning) => {
    expect(decideFenceWarning(warned, hold, now, 30_000)).toEqual({ warned: warnedAfter, warning });
  });
});
