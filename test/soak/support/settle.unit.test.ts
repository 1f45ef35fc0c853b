import { describe, expect, it } from '@jest/globals';
import { settle } from './settle.js';

/** Figures read one after the other; the last one repeats. */
function reads(...values: (number | Error)[]) {
  let index = 0;
  return () => {
    const value = values[Math.min(index++, values.length - 1)]!;
    return value instanceof Error ? Promise.reject(value) : Promise.resolve(value);
  };
}

const rules = { done: (missing: number) => missing === 0, pollMs: 1, quietMs: 20, timeoutMs: 60_000 };

describe('waiting for the system to settle', () => {
  it('ends once the figures are done, reading again after a failed read', async () => {
    const settled = await settle(reads(5, new Error('restarting'), 2, 0), { ...rules, idle: () => false });
    expect(settled).toMatchObject({ figures: 0, outcome: 'done' });
  });

  it('ends early when the figures stop moving with nothing under way', async () => {
    const settled = await settle(reads(5, 3, 3), { ...rules, idle: () => true });
    expect(settled).toMatchObject({ figures: 3, outcome: 'quiet' });
  });

  it('keeps waiting while something is under way, up to the timeout', async () => {
    const settled = await settle(reads(5, 3, 3), { ...rules, idle: () => false, timeoutMs: 50 });
    expect(settled).toMatchObject({ figures: 3, outcome: 'timeout' });
  });
});
