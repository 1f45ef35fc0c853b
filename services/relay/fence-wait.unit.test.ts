import { describe, expect, it } from '@jest/globals';
import { FAST_PHASE_MS, nextFenceWait, type FenceWait } from './fence-wait.js';

describe('the wait before looking behind a held fence again', () => {
  it.each<[string, FenceWait | undefined, number, number, number]>([
    // case, previous, now (ms), poll interval, expected wait
    ['first sighting: 1 ms', undefined, 5_000, 1_000, 1],
    ['doubles while fresh', { heldSinceMs: 5_000, ms: 1 }, 5_001, 1_000, 2],
    ['doubles while fresh', { heldSinceMs: 5_000, ms: 4 }, 5_010, 1_000, 8],
    ['stays at 8 ms while fresh', { heldSinceMs: 5_000, ms: 8 }, 5_099, 1_000, 8],
    ['then doubles past 8 ms', { heldSinceMs: 5_000, ms: 8 }, 5_000 + FAST_PHASE_MS, 1_000, 16],
    ['and on', { heldSinceMs: 5_000, ms: 256 }, 5_600, 1_000, 512],
    ['up to the poll interval', { heldSinceMs: 5_000, ms: 512 }, 6_200, 1_000, 1_000],
    ['and stays there', { heldSinceMs: 5_000, ms: 1_000 }, 65_000, 1_000, 1_000],
    ['never beyond a short poll interval', undefined, 0, 5, 1],
    ['never beyond a short poll interval', { heldSinceMs: 0, ms: 4 }, 3, 5, 5],
    ['never beyond a short poll interval', { heldSinceMs: 0, ms: 5 }, 500, 5, 5],
  ])('%s', (_case, previous, now, pollMs, expected) => {
    expect(nextFenceWait(previous, now, pollMs).ms).toBe(expected);
  });

  it('keeps when the hold began', () => {
    expect(nextFenceWait(undefined, 7, 1_000).heldSinceMs).toBe(7);
    expect(nextFenceWait({ heldSinceMs: 7, ms: 8 }, 500, 1_000).heldSinceMs).toBe(7);
  });

  it('looks a dozen times in the first 100 ms, then about once a poll interval: under 100 looks in a minute held', () => {
    let wait: FenceWait | undefined;
    let now = 0;
    let looks = 0;
    const early: number[] = [];
    while (now < 60_000) {
      wait = nextFenceWait(wait, now, 1_000);
      if (now < FAST_PHASE_MS) early.push(wait.ms);
      now += wait.ms;
      looks++;
    }
    expect(early.slice(0, 5)).toEqual([1, 2, 4, 8, 8]);
    expect(early.length).toBeGreaterThanOrEqual(12);
    expect(looks).toBeLessThan(100);
  });
});
