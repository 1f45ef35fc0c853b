import cron from 'node-cron';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { redactUrl } from './redact-url.js';

/** Thrown at start-up when an environment variable is missing or malformed; names the variable. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Variables that were renamed. Setting an old name stops the service rather than being ignored. */
export const RENAMED_VARIABLES: readonly { old: string; now: string; note?: string }[] = [
  { old: 'RELAY_PURGE_CRON', now: 'OUTBOX_PURGE_SCHEDULE' },
  { old: 'IDEMPOTENCY_TTL_HOURS', now: 'IDEMPOTENCY_RETENTION', note: 'a duration: 24h rather than 24' },
  { old: 'EMAIL_HELD_NOTIFICATION_TTL', now: 'EMAIL_HELD_NOTIFICATION_RETENTION' },
];

/**
 * One problem per renamed variable still set in `env`, naming its new name. Silently ignoring the
 * old name would run on the default, which is never what whoever set it wanted.
 */
export function renamedVariableProblems(env: Env, renamed = RENAMED_VARIABLES): string[] {
  return renamed
    .filter(({ old }) => env[old] !== undefined && env[old] !== '')
    .map(
      ({ old, now, note }) =>
        `${old}: was renamed ${now}${note ? ` (${note})` : ''}; set ${now} instead and remove ${old}`,
    );
}

/**
 * Validates `env` against a zod object whose keys are variable names. Empty strings count as unset,
 * so `FOO=` in a .env file falls back to the default instead of failing on "". Any renamed variable
 * still set fails first, naming its new name.
 */
export function parseConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: Env,
): z.infer<z.ZodObject<Shape>> {
  const renamed = renamedVariableProblems(env);
  if (renamed.length > 0) throw new ConfigError(renamed);
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const got = shownValue(name, present[name]);
      return `${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
    }),
  );
}

/**
 * What a refusal may echo of a variable's value: nothing of a secret, and a URL with its password
 * replaced by ***, so that a start-up error never puts a credential into a log.
 */
function shownValue(name: string, value: string | undefined): string | undefined {
  if (value === undefined || /SECRET|PASSWORD|TOKEN|KEY/i.test(name)) return undefined;
  return redactUrl(value);
}

const durationText = () =>
  z
    .string()
    .refine(
      (text) => parseDuration(text) !== undefined,
      'must be a duration such as 1500ms, 30s, 5m, 24h or 7d',
    );
const toMilliseconds = (text: string) => parseDuration(text)!;

/** Reusable variable types: each rejects bad input with a message fit for an operator. */
export const envTypes = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  nonNegativeInt: (fallback: number) => z.coerce.number().int().min(0).default(fallback),
  postgresUrl: () =>
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .pipe(z.url()),
  httpUrl: () => z.url({ protocol: /^https?$/ }),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Sizes such as "256kb" or "1mb", as body-parser reads them. */
  byteSize: (fallback: string) =>
    z
      .string()
      .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'must be a size such as 256kb or 1mb')
      .default(fallback),
  /** A duration in the one grammar of duration.ts ("30m", "24h", "7d", "1500ms"), read as milliseconds. */
  duration: (fallback: string) => durationText().default(fallback).transform(toMilliseconds),
  /** As `duration`, but unset stays undefined (for variables whose absence means "never"). */
  optionalDuration: () => durationText().transform(toMilliseconds).optional(),
  /** A node-cron expression (seconds field optional), checked at start-up rather than at the first tick. */
  cronSchedule: (fallback: string) =>
    z
      .string()
      .refine((expression) => cron.validate(expression), 'must be a cron expression such as "*/15 * * * *"')
      .default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
};

/** Variables every service reads: where PostgreSQL is, how to log, HTTP and pool limits. */
export const commonConfigShape = {
  DATABASE_URL: envTypes.postgresUrl().optional(),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: envTypes.port(0),
  LOG_LEVEL: envTypes.logLevel(),
  HTTP_BODY_LIMIT: envTypes.byteSize('256kb'),
  PG_POOL_MAX: envTypes.positiveInt(10),
  SHUTDOWN_TIMEOUT_MS: envTypes.positiveInt(10_000),
};

export type CommonConfig = {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: z.infer<ReturnType<typeof envTypes.logLevel>>;
  httpBodyLimit: string;
  pgPoolMax: number;
  shutdownTimeoutMs: number;
};

export function toCommonConfig(vars: z.infer<z.ZodObject<typeof commonConfigShape>>): CommonConfig {
  return {
    databaseUrl: vars.DATABASE_URL,
    dataDir: vars.DATA_DIR,
    embeddedPostgresPort: vars.EMBEDDED_PG_PORT,
    logLevel: vars.LOG_LEVEL,
    httpBodyLimit: vars.HTTP_BODY_LIMIT,
    pgPoolMax: vars.PG_POOL_MAX,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
  };
}

/** The configuration shared by every process (the launcher and the migrate command use it alone). */
export function loadConfig(env: Env = process.env): CommonConfig {
  return toCommonConfig(parseConfig(commonConfigShape, env));
}

/** Reads `.env` from the working directory when there is one; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
