import { describe, expect, it } from '@jest/globals';
import { MIN_SOAK_ORDERS } from './fault-plan.js';
import { soakSettings } from './soak-settings.js';

describe('the soak settings', () => {
  it('default to 10,000 orders, seed 30 and 30 minutes per wait', () => {
    expect(soakSettings({})).toEqual({ orders: 10_000, seed: 30, timeoutMs: 1_800_000 });
  });

  it('take the sizes from the environment', () => {
    expect(soakSettings({ SOAK_ORDERS: '1500', SOAK_SEED: '7', SOAK_TIMEOUT_MS: '60000' })).toEqual({
      orders: 1_500,
      seed: 7,
      timeoutMs: 60_000,
    });
  });

  it.each(['12', '150.5', 'many', '-300'])('refuses SOAK_ORDERS=%s with a message naming it', (value) => {
    expect(() => soakSettings({ SOAK_ORDERS: value })).toThrow(/SOAK_ORDERS/);
  });

  it('accepts the smallest run it can spread the faults over', () => {
    expect(soakSettings({ SOAK_ORDERS: String(MIN_SOAK_ORDERS) }).orders).toBe(MIN_SOAK_ORDERS);
  });
});
