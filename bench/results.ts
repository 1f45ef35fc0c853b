import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Machine } from './machine.js';
import type { BenchOptions } from './options.js';
import type { ApiScenarioResult } from './scenarios/api.js';
import type { EndToEndResult } from './scenarios/end-to-end.js';
import type { IdleApplyResult } from './scenarios/idle-apply.js';
import type { NatsDrainResult } from './scenarios/nats-drain.js';
import type { PartitionsResult } from './scenarios/partitions.js';
import type { RelayDrainResult } from './scenarios/relay-drain.js';

/** The performance targets on the team's 2-core machine; kept beside the figures they judge. */
export const TARGETS = {
  apiThroughputRatioAtLeast: 0.85,
  relayDrainTotalEventsPerSecondAtLeast: 20_000,
  /** Over all deliveries, with LISTEN: the floor an unloaded system shows. */
  endToEndUnloaded: { ratePerSecond: 20, p50MsAtMost: 6, p99MsAtMost: 15 },
  /** With LISTEN: the rate the system must keep up with, and the tail it may have there. */
  endToEndSustained: { ratePerSecond: 600, p99MsAtMost: 50 },
  /** CPU of every service and PostgreSQL (the load generator apart) per order placed. */
  cpuMsPerOrderAtMost: 3,
  idleApplyP50MsAtMost: 1.5,
} as const;

export type ScenarioFailure = { error: string };

export type BenchResult = {
  startedAt: string;
  finishedAt: string;
  smoke: boolean;
  options: BenchOptions;
  machine: Machine;
  versions: { node: string; postgres: string };
  source: { commit: string; dirty: boolean } | undefined;
  postgres: { source: 'DATABASE_URL' | 'embedded'; settings: Record<string, string>; cpuMeasured: boolean };
  targets: typeof TARGETS;
  scenarios: {
    api?: ApiScenarioResult | ScenarioFailure;
    relayDrain?: RelayDrainResult | ScenarioFailure;
    endToEnd?: EndToEndResult | ScenarioFailure;
    partitions?: PartitionsResult | ScenarioFailure;
    natsDrain?: NatsDrainResult | ScenarioFailure;
    idleApply?: IdleApplyResult | ScenarioFailure;
  };
  /** Where the services' own log lines went. */
  logFile: string;
};

/** `2026-11-27T18-45-03Z`: sortable, and safe in a file name on every system. */
export function fileStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

/** Writes bench/results/<stamp>.json (gitignored) and returns its path. */
export function writeResult(dir: string, stamp: string, result: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
