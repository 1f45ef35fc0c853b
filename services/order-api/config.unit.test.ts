import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../common/config.js';
import { loadConfig } from './config.js';

describe('the Order API configuration', () => {
  it('defaults to port 3000, a 24 hour idempotency window purged every 15 minutes', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      idempotencyRetentionMs: 86_400_000,
      idempotencyPurgeSchedule: '*/15 * * * *',
    });
  });

  it('reads its variables', () => {
    const config = loadConfig({
      ORDER_API_PORT: '8080',
      IDEMPOTENCY_RETENTION: '48h',
      IDEMPOTENCY_PURGE_SCHEDULE: '0 * * * *',
    });
    expect(config).toMatchObject({
      port: 8080,
      idempotencyRetentionMs: 48 * 3_600_000,
      idempotencyPurgeSchedule: '0 * * * *',
    });
  });

  it.each([
    ['ORDER_API_PORT', '70000'],
    ['IDEMPOTENCY_RETENTION', '0h'],
    ['IDEMPOTENCY_RETENTION', '24'],
    ['IDEMPOTENCY_PURGE_SCHEDULE', 'every hour'],
    ['IDEMPOTENCY_TTL_HOURS', '24'],
  ])('fails naming %s when it is %j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('limits writes to 600 a minute per caller unless ORDER_API_WRITE_RATE_LIMIT/_WINDOW say otherwise (0: off)', () => {
    // AUTH_MODE=off only so that no key variables are needed here.
    expect(loadConfig({ AUTH_MODE: 'off' }).writeRateLimit).toEqual({ limit: 600, windowMs: 60_000 });
    expect(
      loadConfig({ AUTH_MODE: 'off', ORDER_API_WRITE_RATE_LIMIT: '0', ORDER_API_WRITE_RATE_WINDOW: '15s' })
        .writeRateLimit,
    ).toEqual({ limit: 0, windowMs: 15_000 });
    for (const [name, value] of [
      ['ORDER_API_WRITE_RATE_LIMIT', '-1'],
      ['ORDER_API_WRITE_RATE_LIMIT', 'lots'],
      ['ORDER_API_WRITE_RATE_WINDOW', 'a minute'],
      ['ORDER_API_WRITE_RATE_WINDOW', '500ms'],
    ]) {
      expect(() => loadConfig({ AUTH_MODE: 'off', [name!]: value })).toThrow(new RegExp(name!));
    }
  });
});
