import { describe, expect, it } from '@jest/globals';
import { distribution } from './percentiles.js';

describe('latency distributions', () => {
  it('take nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(distribution(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('are all zero for no sample', () => {
    expect(distribution([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
