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
});
