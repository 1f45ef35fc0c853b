import { describe, expect, it } from '@jest/globals';
import { WakeSignal } from './wake-signal.js';

describe('the wake signal', () => {
  it('ends a wait early when notified', async () => {
    const signal = new WakeSignal();
    const waited = signal.wait(600_000).then(() => 'woken');
    signal.notify();
    expect(await waited).toBe('woken');
  });

  it('remembers a notify that came while nobody waited, once', async () => {
    const signal = new WakeSignal();
    signal.notify();
    signal.notify();
    await signal.wait(600_000);
    // The remembered wake-up is spent: the next wait does not return at once.
    const next = signal.wait(600_000).then(() => 'returned');
    const outcome = await Promise.race([
      next,
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 50)),
    ]);
    expect(outcome).toBe('waiting');
    signal.notify();
    expect(await next).toBe('returned');
  });
});
