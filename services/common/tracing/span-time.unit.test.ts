import { describe, expect, it } from '@jest/globals';
import { spanTime } from './span-time.js';

const toMs = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

describe('spanTime', () => {
  it('is the epoch time of a performance.now() reading, to well under a millisecond', () => {
    const at = performance.now();
    expect(toMs(spanTime(at))).toBeCloseTo(performance.timeOrigin + at, 3);
  });

  it('keeps the fraction of a millisecond that whole-millisecond stamps drop', () => {
    const at = performance.now();
    expect(toMs(spanTime(at + 0.25)) - toMs(spanTime(at))).toBeCloseTo(0.25, 3);
  });

  it('gives nanoseconds within their second', () => {
    for (const at of [0, 0.0001, 999.9999999, 1000, 123_456.789]) {
      const [, nanos] = spanTime(at);
      expect(nanos).toBeGreaterThanOrEqual(0);
      expect(nanos).toBeLessThan(1e9);
    }
  });
});
