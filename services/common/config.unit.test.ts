import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { ConfigError, envTypes, loadConfig, parseConfig, renamedVariableProblems } from './config.js';

describe('a refused variable', () => {
  it('shows a URL it echoes with the password hidden', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/orders' })).toThrow(
      'DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://app:***@db/orders")',
    );
  });

  it('never echoes the value of a secret', () => {
    const refuse = () =>
      parseConfig(
        { BILLING_WEBHOOK_SECRET: z.string().startsWith('whsec_') },
        { BILLING_WEBHOOK_SECRET: 'hunter2' },
      );
    expect(refuse).toThrow('BILLING_WEBHOOK_SECRET:');
    expect(refuse).not.toThrow(/hunter2/);
  });
});

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      databaseUrl: undefined,
      dataDir: '.data',
      embeddedPostgresPort: 0,
      logLevel: 'info',
      httpBodyLimit: '256kb',
      pgPoolMax: 10,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads and coerces the variables that are set', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/orders',
      PG_POOL_MAX: '25',
      LOG_LEVEL: 'debug',
      HTTP_BODY_LIMIT: '1mb',
    });
    expect(config.databaseUrl).toBe('postgres://u@db:5432/orders');
    expect(config.pgPoolMax).toBe(25);
    expect(config.logLevel).toBe('debug');
    expect(config.httpBodyLimit).toBe('1mb');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PG_POOL_MAX: '' }).pgPoolMax).toBe(10);
  });

  it.each([
    ['PG_POOL_MAX', 'many'],
    ['PG_POOL_MAX', '-3'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['LOG_LEVEL', 'loud'],
    ['HTTP_BODY_LIMIT', 'huge'],
    ['EMBEDDED_PG_PORT', '70000'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: .*\\(got "${value}"\\)`));
  });
});

describe('duration and schedule variables', () => {
  const shape = {
    WAIT: envTypes.duration('30s'),
    MAYBE: envTypes.optionalDuration(),
    SCHEDULE: envTypes.cronSchedule('*/15 * * * *'),
  };

  it('defaults what is unset, and leaves an optional duration undefined', () => {
    expect(parseConfig(shape, {})).toEqual({ WAIT: 30_000, SCHEDULE: '*/15 * * * *' });
  });

  it.each([
    [
      { WAIT: '1500ms', MAYBE: '7d' },
      { WAIT: 1_500, MAYBE: 7 * 86_400_000 },
    ],
    [
      { WAIT: '24h', SCHEDULE: '0 3 * * *' },
      { WAIT: 86_400_000, SCHEDULE: '0 3 * * *' },
    ],
  ])('reads %j as %j', (env, expected) => {
    expect(parseConfig(shape, env)).toMatchObject(expected);
  });

  it.each([
    ['WAIT', '24'],
    ['WAIT', 'a day'],
    ['MAYBE', '1w'],
    ['SCHEDULE', 'hourly'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseConfig(shape, { [name]: value })).toThrow(new RegExp(`${name}: must be a`));
  });
});

describe('renamed variables', () => {
  it.each([
    [{}, []],
    [{ RELAY_PURGE_CRON: '' }, []],
    [{ OUTBOX_PURGE_SCHEDULE: '0 * * * *' }, []],
    [
      { RELAY_PURGE_CRON: '0 * * * *' },
      [
        'RELAY_PURGE_CRON: was renamed OUTBOX_PURGE_SCHEDULE; set OUTBOX_PURGE_SCHEDULE instead and remove RELAY_PURGE_CRON',
      ],
    ],
    [
      { IDEMPOTENCY_TTL_HOURS: '48' },
      [
        'IDEMPOTENCY_TTL_HOURS: was renamed IDEMPOTENCY_RETENTION (a duration: 24h rather than 24); set IDEMPOTENCY_RETENTION instead and remove IDEMPOTENCY_TTL_HOURS',
      ],
    ],
    [
      { EMAIL_HELD_NOTIFICATION_TTL: '3d', RELAY_PURGE_CRON: '0 * * * *' },
      [
        'RELAY_PURGE_CRON: was renamed OUTBOX_PURGE_SCHEDULE; set OUTBOX_PURGE_SCHEDULE instead and remove RELAY_PURGE_CRON',
        'EMAIL_HELD_NOTIFICATION_TTL: was renamed EMAIL_HELD_NOTIFICATION_RETENTION; set EMAIL_HELD_NOTIFICATION_RETENTION instead and remove EMAIL_HELD_NOTIFICATION_TTL',
      ],
    ],
  ])('finds in %j: %j', (env, problems) => {
    expect(renamedVariableProblems(env)).toEqual(problems);
  });

  it('stops every service that reads its configuration, naming the new name', () => {
    expect(() => loadConfig({ IDEMPOTENCY_TTL_HOURS: '24' })).toThrow(ConfigError);
    expect(() => loadConfig({ IDEMPOTENCY_TTL_HOURS: '24' })).toThrow(/IDEMPOTENCY_RETENTION/);
  });
});
