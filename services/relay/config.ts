import { z } from 'zod';
import {
  ConfigError,
  commonConfigShape,
  envTypes,
  parseConfig,
  toCommonConfig,
  type CommonConfig,
} from '../common/config.js';
import type { FailurePolicy } from './delivery/decide-after-failure.js';
import { isLoopbackHost } from './console/loopback.js';

type Env = Record<string, string | undefined>;

const relayShape = {
  ...commonConfigShape,
  RELAY_ADMIN_PORT: envTypes.port(3005),
  // Loopback by default: the admin port serves the console, which can replay and discard.
  RELAY_ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  RELAY_ADMIN_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters (npm run secrets prints one)')
    // What a bearer header and the sign-in form carry intact: no spaces, no control characters.
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (npm run secrets prints one)')
    .optional(),
  RELAY_POLL_MS: envTypes.positiveInt(1_000),
  RELAY_LISTEN: envTypes.flag(true),
  // 1,000: the benchmark's drain ran 8.4k deliveries/s at 200, 10.1k at 500, 12.3k at 1,000.
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(1_000),
  RELAY_RETRY_BASE_MS: envTypes.positiveInt(500),
  RELAY_RETRY_CAP_MS: envTypes.positiveInt(60_000),
  RELAY_RETRY_MAX_ATTEMPTS: envTypes.positiveInt(8),
  RELAY_RETRY_AFTER_MAX_MS: envTypes.positiveInt(3_600_000),
  RELAY_HTTP_TIMEOUT_MS: envTypes.positiveInt(10_000),
  RELAY_NATS_TIMEOUT_MS: envTypes.positiveInt(5_000),
  // Unset (the default): an outage never parks an event, however long it lasts.
  RELAY_PARK_AFTER: envTypes.optionalDuration(),
  RELAY_LEASE_TTL_MS: envTypes.positiveInt(5_000),
  RELAY_LEASE_RENEW_MS: envTypes.positiveInt(1_000),
  RELAY_INSTANCE_ID: z.string().min(1).max(200).optional(),
  RELAY_DEFAULT_SUBSCRIPTIONS: envTypes.flag(true),
  OUTBOX_RETENTION: envTypes.duration('7d'),
  // Unset (the default): a dead letter is kept until it is replayed or discarded.
  RELAY_DEAD_LETTER_RETENTION: envTypes.optionalDuration(),
  RELAY_FENCE_WARN_AFTER: envTypes.duration('30s'),
  OUTBOX_PURGE_SCHEDULE: envTypes.cronSchedule('*/15 * * * *'),
};

export type RelayConfig = CommonConfig & {
  adminPort: number;
  /** The address the admin server (console, API, metrics) binds. */
  adminHost: string;
  /** Every admin request but the health probes must carry it; required unless bound to loopback. */
  adminToken: string | undefined;
  pollMs: number;
  /** LISTEN for the writers' NOTIFY; false leaves the poll alone (the benchmark compares both). */
  listen: boolean;
  batchSize: number;
  retry: FailurePolicy;
  httpTimeoutMs: number;
  /** NATS subscriptions: connecting, stream set-up, and the wait for a batch's publish acks. */
  natsTimeoutMs: number;
  lease: { ttlMs: number; renewMs: number };
  instanceId: string | undefined;
  createDefaultSubscriptions: boolean;
  outboxRetentionMs: number;
  /** Dead letters (open, replayed, discarded) older than this are purged; null keeps them. */
  deadLetterRetentionMs: number | null;
  purgeSchedule: string;
  /** Warn, naming the holder, once the fence has held a stream back this long. */
  fenceWarnAfterMs: number;
};

/** The relay's variables (see .env.example), validated; fails fast naming the bad one. */
export function loadRelayConfig(env: Env = process.env): RelayConfig {
  const vars = parseConfig(relayShape, env);
  const problems: string[] = [];
  if (vars.RELAY_RETRY_CAP_MS < vars.RELAY_RETRY_BASE_MS)
    problems.push('RELAY_RETRY_CAP_MS: must be at least RELAY_RETRY_BASE_MS');
  if (vars.RELAY_LEASE_RENEW_MS * 2 > vars.RELAY_LEASE_TTL_MS)
    problems.push('RELAY_LEASE_RENEW_MS: must be at most half of RELAY_LEASE_TTL_MS');
  if (!isLoopbackHost(vars.RELAY_ADMIN_HOST) && vars.RELAY_ADMIN_TOKEN === undefined)
    problems.push(
      `RELAY_ADMIN_TOKEN: required when RELAY_ADMIN_HOST is not a loopback address (it is ` +
        `"${vars.RELAY_ADMIN_HOST}"): the console replays and discards dead letters`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...toCommonConfig(vars),
    adminPort: vars.RELAY_ADMIN_PORT,
    adminHost: vars.RELAY_ADMIN_HOST,
    adminToken: vars.RELAY_ADMIN_TOKEN,
    pollMs: vars.RELAY_POLL_MS,
    listen: vars.RELAY_LISTEN,
    batchSize: vars.RELAY_BATCH_SIZE,
    retry: {
      baseMs: vars.RELAY_RETRY_BASE_MS,
      capMs: vars.RELAY_RETRY_CAP_MS,
      maxAttempts: vars.RELAY_RETRY_MAX_ATTEMPTS,
      retryAfterMaxMs: vars.RELAY_RETRY_AFTER_MAX_MS,
      parkAfterMs: vars.RELAY_PARK_AFTER ?? null,
    },
    httpTimeoutMs: vars.RELAY_HTTP_TIMEOUT_MS,
    natsTimeoutMs: vars.RELAY_NATS_TIMEOUT_MS,
    lease: { ttlMs: vars.RELAY_LEASE_TTL_MS, renewMs: vars.RELAY_LEASE_RENEW_MS },
    instanceId: vars.RELAY_INSTANCE_ID,
    createDefaultSubscriptions: vars.RELAY_DEFAULT_SUBSCRIPTIONS,
    outboxRetentionMs: vars.OUTBOX_RETENTION,
    deadLetterRetentionMs: vars.RELAY_DEAD_LETTER_RETENTION ?? null,
    purgeSchedule: vars.OUTBOX_PURGE_SCHEDULE,
    fenceWarnAfterMs: vars.RELAY_FENCE_WARN_AFTER,
  };
}
