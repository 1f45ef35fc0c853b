import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../common/config.js';
import { loadConfig } from './config.js';

/** What a service taking tokens needs at least: a key source, an issuer and an audience. */
const auth = {
  AUTH_PUBLIC_KEY_FILE: '/etc/order-outbox/jwks.json',
  AUTH_ISSUER: 'https://id.example.com/',
  AUTH_AUDIENCE: 'order-outbox',
};

describe('the Order API configuration', () => {
  it('defaults to port 3000, a 24 hour idempotency window purged every 15 minutes', () => {
    expect(loadConfig(auth)).toMatchObject({
      port: 3000,
      idempotencyRetentionMs: 86_400_000,
      idempotencyPurgeSchedule: '*/15 * * * *',
    });
  });

  it('reads its variables', () => {
    const config = loadConfig({
      ...auth,
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
    expect(() => loadConfig({ ...auth, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...auth, [name]: value })).toThrow(new RegExp(name));
  });
});

describe('the Order API auth configuration', () => {
  it('checks tokens by default, against the key source, issuer and audience it is given', () => {
    expect(loadConfig(auth).auth).toEqual({
      mode: 'jwt',
      jwksUrl: undefined,
      publicKeyFile: '/etc/order-outbox/jwks.json',
      issuer: 'https://id.example.com/',
      audience: 'order-outbox',
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
      clockToleranceMs: 5_000,
    });
  });

  it('reads a JWKS URL, the algorithms and the clock tolerance', () => {
    const { AUTH_PUBLIC_KEY_FILE: _file, ...rest } = auth;
    expect(
      loadConfig({
        ...rest,
        AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
        AUTH_ALGORITHMS: 'RS256, ES384',
        AUTH_CLOCK_TOLERANCE: '30s',
      }).auth,
    ).toMatchObject({
      jwksUrl: 'https://id.example.com/.well-known/jwks.json',
      publicKeyFile: undefined,
      algorithms: ['RS256', 'ES384'],
      clockToleranceMs: 30_000,
    });
  });

  it('needs no key, issuer or audience with AUTH_MODE=off', () => {
    expect(loadConfig({ AUTH_MODE: 'off' }).auth).toEqual({ mode: 'off' });
  });

  it('refuses AUTH_MODE=jwt without a key source, naming both variables and AUTH_MODE=off', () => {
    const { AUTH_PUBLIC_KEY_FILE: _file, ...rest } = auth;
    expect(() => loadConfig({ ...rest, AUTH_MODE: 'jwt' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...rest, AUTH_MODE: 'jwt' })).toThrow(
      /AUTH_JWKS_URL \/ AUTH_PUBLIC_KEY_FILE: set exactly one.*AUTH_MODE=off/,
    );
  });

  it('refuses both key sources at once', () => {
    expect(() => loadConfig({ ...auth, AUTH_JWKS_URL: 'https://id.example.com/jwks.json' })).toThrow(
      /AUTH_JWKS_URL \/ AUTH_PUBLIC_KEY_FILE: set exactly one/,
    );
  });

  it.each(['AUTH_ISSUER', 'AUTH_AUDIENCE'])('refuses AUTH_MODE=jwt without %s, naming it', (name) => {
    const env: Record<string, string> = { ...auth, AUTH_MODE: 'jwt' };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}: required while AUTH_MODE is jwt`));
  });

  it('names every missing variable at once when none is set', () => {
    let error: unknown;
    try {
      loadConfig({});
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.split(':')[0])).toEqual([
      'AUTH_JWKS_URL / AUTH_PUBLIC_KEY_FILE',
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
    ]);
  });

  it.each([
    ['AUTH_MODE', 'basic'],
    ['AUTH_ALGORITHMS', 'HS256'],
    ['AUTH_ALGORITHMS', 'none'],
    ['AUTH_JWKS_URL', 'file:///etc/jwks.json'],
    ['AUTH_CLOCK_TOLERANCE', '5'],
  ])('fails naming %s when it is %j', (name, value) => {
    expect(() => loadConfig({ ...auth, [name]: value })).toThrow(new RegExp(name));
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
