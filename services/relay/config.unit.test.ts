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

describe('RELAY_ADMIN_HOST and RELAY_ADMIN_TOKEN', () => {
  const token = 'a-long-enough-admin-token-0123456789';

  it('binds 127.0.0.1 without a token by default', () => {
    expect(loadRelayConfig({})).toMatchObject({ adminHost: '127.0.0.1', adminToken: undefined });
  });

  it('refuses a non-loopback address without a token, and takes it with one', () => {
    expect(() => loadRelayConfig({ RELAY_ADMIN_HOST: '0.0.0.0' })).toThrow(
      /RELAY_ADMIN_TOKEN: required when RELAY_ADMIN_HOST is not a loopback address/,
    );
    expect(loadRelayConfig({ RELAY_ADMIN_HOST: '0.0.0.0', RELAY_ADMIN_TOKEN: token })).toMatchObject({
      adminHost: '0.0.0.0',
      adminToken: token,
    });
    for (const loopback of ['localhost', '::1', '127.0.0.2'])
      expect(loadRelayConfig({ RELAY_ADMIN_HOST: loopback }).adminHost).toBe(loopback);
  });

  it('refuses a short token without echoing it', () => {
    let message = '';
    try {
      loadRelayConfig({ RELAY_ADMIN_TOKEN: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/RELAY_ADMIN_TOKEN: must be at least 24 characters/);
    expect(message).not.toContain('short-secret');
  });

  it('refuses a token a bearer header cannot carry (a space, a control character)', () => {
    for (const token of ['admin token with spaces in it 0123', 'admin-token-0123456789abcdef\t'])
      expect(() => loadRelayConfig({ RELAY_ADMIN_TOKEN: token })).toThrow(
        /RELAY_ADMIN_TOKEN: must be printable ASCII without spaces/,
      );
  });
});
