import {
  commonConfigShape,
  envTypes,
  parseConfig,
  toCommonConfig,
  type CommonConfig,
} from '../shared/config.js';

const orderApiShape = {
  ...commonConfigShape,
  ORDER_API_PORT: envTypes.port(3000),
  IDEMPOTENCY_TTL_HOURS: envTypes.positiveInt(24),
  IDEMPOTENCY_PURGE_SCHEDULE: envTypes.cronSchedule('*/15 * * * *'),
};

export type OrderApiConfig = CommonConfig & {
  port: number;
  idempotencyTtlHours: number;
  idempotencyPurgeSchedule: string;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): OrderApiConfig {
  const vars = parseConfig(orderApiShape, env);
  return {
    ...toCommonConfig(vars),
    port: vars.ORDER_API_PORT,
    idempotencyTtlHours: vars.IDEMPOTENCY_TTL_HOURS,
    idempotencyPurgeSchedule: vars.IDEMPOTENCY_PURGE_SCHEDULE,
  };
}
