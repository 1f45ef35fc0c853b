import type { LogSink } from '../test/e2e/support/log-sink.js';
import type { MeteredProcess } from './cpu-meter.js';
import type { BenchOptions } from './options.js';
import type { BenchPostgres } from './postgres.js';

/** What every scenario gets from the run: its options, the server, the log, and a progress line. */
export type BenchContext = {
  root: string;
  options: BenchOptions;
  postgres: BenchPostgres;
  /** The run's log file: the services' output and the benchmark's own lines. */
  log: LogSink;
  /** Set when BENCH_CPU_PROF is on: where the services' V8 CPU profiles go. */
  cpuProfileDir: string | undefined;
  progress(message: string): void;
};

/** The names the benchmark's own process (the load generator) and PostgreSQL have in the CPU figures. */
export const BENCH_PROCESS = 'bench';
export const POSTGRES_PROCESS = 'postgres';

/** The PostgreSQL server's process tree, when it can be measured from here, plus this process. */
export function sharedMeteredProcesses(context: BenchContext): MeteredProcess[] {
  const postgres = context.postgres.postmasterPid;
  return [
    ...(postgres === undefined ? [] : [{ name: POSTGRES_PROCESS, pid: postgres }]),
    { name: BENCH_PROCESS, pid: 'self' as const },
  ];
}
