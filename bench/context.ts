import type { WriteStream } from 'node:fs';
import type { MeteredProcess } from './cpu-meter.js';
import type { BenchOptions } from './options.js';
import type { BenchPostgres } from './postgres.js';
import type { SystemSettings } from './system.js';

/** What every scenario gets from the run: its options, the server, the log, and a progress line. */
export type BenchContext = {
  root: string;
  options: BenchOptions;
  postgres: BenchPostgres;
  log: WriteStream;
  /** Set when BENCH_CPU_PROF is on: where the services' V8 CPU profiles go. */
  cpuProfileDir: string | undefined;
  progress(message: string): void;
};

/** A part of a scenario that could not run, and why (services not in this checkout, say). */
export type Skipped = { skipped: string };

export function isSkipped(value: unknown): value is Skipped {
  return typeof value === 'object' && value !== null && 'skipped' in value;
}

/** The PostgreSQL server's process tree, when it can be measured from here, plus this process. */
export function sharedMeteredProcesses(context: BenchContext): MeteredProcess[] {
  const postgres = context.postgres.postmasterPid;
  return [
    ...(postgres === undefined ? [] : [{ name: 'postgres', pid: postgres }]),
    { name: 'bench', pid: 'self' as const },
  ];
}

export function systemSettings(context: BenchContext, databaseUrl: string): SystemSettings {
  return {
    root: context.root,
    databaseUrl,
    log: context.log,
    logLevel: context.options.serviceLogLevel,
    poolMax: context.options.poolMax,
    pollMs: context.options.pollMs,
    batchSize: context.options.batchSize,
    cpuProfileDir: context.cpuProfileDir,
  };
}
