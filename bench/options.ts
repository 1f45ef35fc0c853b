import { z } from 'zod';
import { envTypes, parseConfig } from '../services/common/config.js';
import { MAX_PARTITIONS } from '../services/relay/streams/partition.js';

export const SCENARIOS = ['api', 'relay', 'e2e', 'partitions', 'nats', 'apply'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export type BenchOptions = {
  smoke: boolean;
  scenarios: ScenarioName[];
  apiSeconds: number;
  apiConnections: number;
  events: number;
  batchSize: number;
  e2eSeconds: number;
  warmupSeconds: number;
  rates: number[];
  pollMs: number;
  poolMax: number;
  durable: boolean;
  resultsDir: string;
  serviceLogLevel: string;
  drainTimeoutSeconds: number;
  /** Run every service under `node --cpu-prof` (profiles next to the result file). */
  cpuProfile: boolean;
  /** Partition counts the partitions scenario drains with, one fresh run each. */
  partitions: number[];
  /** How long the partitions scenario's receiver takes to answer each batch. */
  receiverDelayMs: number;
  /** One-event batches the idle-apply scenario sends to each side (and as many to warm up). */
  applyEvents: number;
};

/** "a, b" -> ["a", "b"]: list variables are comma-separated. */
const commaSeparated = z.string().transform((value) => value.split(',').map((part) => part.trim()));

/** "200, 500" -> [200, 500]: a list of positive whole numbers. */
const wholeNumbers = (fallback: number[]) =>
  commaSeparated
    .pipe(
      z
        .array(
          z.string().regex(/^\d+$/, 'must be whole numbers').transform(Number).pipe(z.number().positive()),
        )
        .min(1),
    )
    .default(fallback);

/**
 * Sizes come from BENCH_* variables (every one is in .env.example); `--smoke` swaps the defaults for
 * tiny ones so a run takes seconds, and `--key=value` flags override both (`--events=2000`).
 */
function shape(smoke: boolean) {
  return {
    BENCH_SCENARIOS: commaSeparated.pipe(z.array(z.enum(SCENARIOS)).min(1)).default([...SCENARIOS]),
    BENCH_API_SECONDS: envTypes.positiveInt(smoke ? 1 : 10),
    BENCH_API_CONNECTIONS: envTypes.positiveInt(smoke ? 4 : 50),
    BENCH_EVENTS: envTypes.positiveInt(smoke ? 200 : 50_000),
    // The relay's default; the smoke run's tiny backlog still makes several batches per subscriber.
    BENCH_BATCH_SIZE: envTypes.positiveInt(smoke ? 20 : 1_000),
    BENCH_E2E_SECONDS: envTypes.positiveInt(smoke ? 1 : 20),
    BENCH_WARMUP_SECONDS: envTypes.nonNegativeInt(smoke ? 0 : 2),
    BENCH_RATES: wholeNumbers(smoke ? [20] : [20, 600]),
    BENCH_POLL_MS: envTypes.positiveInt(100),
    BENCH_PG_POOL_MAX: envTypes.positiveInt(10),
    BENCH_PG_DURABLE: envTypes.flag(true),
    BENCH_RESULTS_DIR: z.string().default('bench/results'),
    BENCH_SERVICE_LOG_LEVEL: envTypes.logLevel().default('warn'),
    BENCH_DRAIN_TIMEOUT_SECONDS: envTypes.positiveInt(smoke ? 60 : 600),
    BENCH_CPU_PROF: envTypes.flag(false),
    BENCH_PARTITIONS: wholeNumbers([1, 4, 8]).pipe(
      z.array(z.number().max(MAX_PARTITIONS, `a subscription has at most ${MAX_PARTITIONS} partitions`)),
    ),
    BENCH_RECEIVER_DELAY_MS: envTypes.nonNegativeInt(5),
    BENCH_APPLY_EVENTS: envTypes.positiveInt(smoke ? 20 : 500),
  };
}

const FLAG = /^--([a-z0-9-]+)(?:=(.*))?$/;

/** `--events=2000` -> BENCH_EVENTS=2000; `--smoke` alone is the mode switch. */
export function flagsToEnv(argv: string[]): { smoke: boolean; env: Record<string, string> } {
  let smoke = false;
  const env: Record<string, string> = {};
  for (const arg of argv) {
    const match = FLAG.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}: flags look like --events=2000 or --smoke`);
    const [, name, value] = match as unknown as [string, string, string | undefined];
    if (name === 'smoke' && value === undefined) smoke = true;
    else if (value === undefined) throw new Error(`--${name} needs a value: --${name}=...`);
    else env[`BENCH_${name.replaceAll('-', '_').toUpperCase()}`] = value;
  }
  return { smoke, env };
}

export function loadBenchOptions(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): BenchOptions {
  const flags = flagsToEnv(argv);
  const smoke = flags.smoke || env.BENCH_SMOKE === 'true' || env.BENCH_SMOKE === '1';
  const vars = parseConfig(shape(smoke), { ...env, ...flags.env });
  return {
    smoke,
    scenarios: vars.BENCH_SCENARIOS,
    apiSeconds: vars.BENCH_API_SECONDS,
    apiConnections: vars.BENCH_API_CONNECTIONS,
    events: vars.BENCH_EVENTS,
    batchSize: vars.BENCH_BATCH_SIZE,
    e2eSeconds: vars.BENCH_E2E_SECONDS,
    warmupSeconds: vars.BENCH_WARMUP_SECONDS,
    rates: vars.BENCH_RATES,
    pollMs: vars.BENCH_POLL_MS,
    poolMax: vars.BENCH_PG_POOL_MAX,
    durable: vars.BENCH_PG_DURABLE,
    resultsDir: vars.BENCH_RESULTS_DIR,
    serviceLogLevel: vars.BENCH_SERVICE_LOG_LEVEL,
    drainTimeoutSeconds: vars.BENCH_DRAIN_TIMEOUT_SECONDS,
    cpuProfile: vars.BENCH_CPU_PROF,
    partitions: vars.BENCH_PARTITIONS,
    receiverDelayMs: vars.BENCH_RECEIVER_DELAY_MS,
    applyEvents: vars.BENCH_APPLY_EVENTS,
  };
}
