import { authConfigShape, toAuthConfig, type AuthConfig } from '../common/auth/auth-config.js';
import {
  commonConfigShape,
  envTypes,
  parseConfig,
  toCommonConfig,
  type CommonConfig,
} from '../common/config.js';

const orderApiShape = {
  ...commonConfigShape,
  ...authConfigShape,
  ORDER_API_PORT: envTypes.port(3000),
  IDEMPOTENCY_RETENTION: envTypes.duration('24h').refine((ms) => ms > 0, 'must be longer than 0'),
  IDEMPOTENCY_PURGE_SCHEDULE: envTypes.cronSchedule('*/15 * * * *'),
  ORDER_API_WRITE_RATE_LIMIT: envTypes.nonNegativeInt(600),
  ORDER_API_WRITE_RATE_WINDOW: envTypes.duration('1m').refine((ms) => ms >= 1000, 'must be 1s or longer'),
};

export type OrderApiConfig = CommonConfig & {
  port: number;
  idempotencyRetentionMs: number;
  idempotencyPurgeSchedule: string;
  auth: AuthConfig;
  writeRateLimit: { limit: number; windowMs: number };
};

export function loadConfig(env: Record<string, string | undefined> = process.env): OrderApiConfig {
  const vars = parseConfig(orderApiShape, env);
  return {
    ...toCommonConfig(vars),
    port: vars.ORDER_API_PORT,
    idempotencyRetentionMs: vars.IDEMPOTENCY_RETENTION,
    idempotencyPurgeSchedule: vars.IDEMPOTENCY_PURGE_SCHEDULE,
    auth: toAuthConfig(vars),
    writeRateLimit: { limit: vars.ORDER_API_WRITE_RATE_LIMIT, windowMs: vars.ORDER_API_WRITE_RATE_WINDOW },
  };
}
