import { describe, expect, it } from '@jest/globals';
import { loadRelayConfig } from './config.js';

describe('RELAY_FENCE_WARN_AFTER', () => {
  it('is 30 s by default and takes a duration', () => {
    expect(loadRelayConfig({}).fenceWarnAfterMs).toBe(30_000);
    expect(loadRelayConfig({ RELAY_FENCE_WARN_AFTER: '2m' }).fenceWarnAfterMs).toBe(120_000);
    expect(loadRelayConfig({ RELAY_FENCE_WARN_AFTER: '1500ms' }).fenceWarnAfterMs).toBe(1_500);
  });

  it('refuses what is not a duration, naming the variable', () => {
    expect(() => loadRelayConfig({ RELAY_FENCE_WARN_AFTER: 'soon' })).toThrow(
      /RELAY_FENCE_WARN_AFTER: must be a duration/,
    );
  });
});
