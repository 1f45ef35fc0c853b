/**
 * `npm run bench`: the benchmarks on a fresh database, each figure beside a baseline
 * measured in the same run (the machine is shared and noisy, so only ratios travel). Prints a table
 * and writes bench/results/<timestamp>.json. Sizes: BENCH_* variables or --flags (see bench/README.md); --smoke runs everything at tiny sizes in seconds.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig, loadDotEnv } from '../services/common/config.js';
import { LogSink } from '../test/e2e/support/log-sink.js';
import type { BenchContext } from './context.js';
import { describeMachine } from './machine.js';
import { loadBenchOptions } from './options.js';
import { startBenchPostgres } from './postgres.js';
import { fileStamp, TARGETS, writeResult, type BenchResult } from './results.js';
import { runApiScenario } from './scenarios/api.js';
import { runEndToEndScenario } from './scenarios/end-to-end.js';
import { runIdleApplyScenario } from './scenarios/idle-apply.js';
import { runNatsDrainScenario } from './scenarios/nats-drain.js';
import { runPartitionsScenario } from './scenarios/partitions.js';
import { runRelayDrainScenario } from './scenarios/relay-drain.js';
import { sourceVersion } from './source-version.js';
import { renderCpu, renderFigures } from './table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
loadDotEnv(join(root, '.env'));
const options = loadBenchOptions(process.argv.slice(2));
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

const startedAt = new Date();
const stamp = fileStamp(startedAt);
const resultsDir = resolve(root, options.resultsDir);
mkdirSync(resultsDir, { recursive: true });
const logFile = join(resultsDir, `${stamp}.log`);
const log = new LogSink(logFile);
const logger = pino({ base: { service: 'bench' }, timestamp: pino.stdTimeFunctions.isoTime }, log);

progress(`${options.smoke ? 'smoke run' : 'run'}; services log to ${logFile}`);
const machine = describeMachine();
const postgres = await startBenchPostgres({
  databaseUrl: loadConfig().databaseUrl,
  durable: options.durable,
  runId: `${Date.now().toString(36)}${process.pid.toString(36)}`,
  logger,
});
let stopping = false;
const cleanUp = async () => {
  if (stopping) return;
  stopping = true;
  await postgres.stop();
};
// Ctrl-C reaches the services (same process group) but not an embedded server, which runs in its
// own session: stop it here so no temporary cluster is left running.
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
progress(`PostgreSQL ${postgres.version} (${postgres.source})`);

// Profiles cost CPU themselves: figures from a profiled run show where time goes, not how fast it is.
const cpuProfileDir = options.cpuProfile ? join(resultsDir, `${stamp}-profiles`) : undefined;
if (cpuProfileDir) progress(`CPU profiles of every service go to ${cpuProfileDir}`);
const context: BenchContext = { root, options, postgres, log, cpuProfileDir, progress };
const result: BenchResult = {
  startedAt: startedAt.toISOString(),
  finishedAt: '',
  smoke: options.smoke,
  options,
  machine,
  versions: { node: process.version, postgres: postgres.version },
  source: sourceVersion(root),
  postgres: {
    source: postgres.source,
    settings: postgres.settings,
    cpuMeasured: postgres.postmasterPid !== undefined,
  },
  targets: TARGETS,
  scenarios: {},
  logFile,
};

let failures = 0;
async function attempt<T>(name: string, run: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await run();
  } catch (error) {
    failures++;
    const message = error instanceof Error ? error.message : String(error);
    progress(`${name} failed: ${message}`);
    logger.error({ err: error, scenario: name }, 'scenario failed');
    return { error: message };
  }
}

try {
  if (options.scenarios.includes('api'))
    result.scenarios.api = await attempt('api', () => runApiScenario(context));
  if (options.scenarios.includes('relay'))
    result.scenarios.relayDrain = await attempt('relay drain', () => runRelayDrainScenario(context));
  if (options.scenarios.includes('e2e'))
    result.scenarios.endToEnd = await attempt('end to end', () => runEndToEndScenario(context));
  if (options.scenarios.includes('partitions'))
    result.scenarios.partitions = await attempt('partitions', () => runPartitionsScenario(context));
  if (options.scenarios.includes('nats'))
    result.scenarios.natsDrain = await attempt('nats drain', () => runNatsDrainScenario(context));
  if (options.scenarios.includes('apply'))
    result.scenarios.idleApply = await attempt('idle apply', () => runIdleApplyScenario(context));
} finally {
  await cleanUp();
}

result.finishedAt = new Date().toISOString();
const written = writeResult(resultsDir, stamp, result);
process.stdout.write(`\n${renderFigures(result)}\n\nCPU per process\n${renderCpu(result)}\n\n`);
process.stdout.write(
  `machine: ${machine.cpus} x ${machine.cpuModel}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, ` +
    `load ${machine.loadAverageAtStart.map((load) => load.toFixed(2)).join(' ')}; node ${process.version}; ` +
    `PostgreSQL ${postgres.version} (${postgres.source}, fsync ${postgres.settings.fsync ?? '?'})\n`,
);
if (result.source) {
  process.stdout.write(
    `commit: ${result.source.commit}${result.source.dirty ? ' (with local changes)' : ''}\n`,
  );
}
process.stdout.write(`results: ${written}\n`);
log.end();
process.exitCode = failures > 0 ? 1 : 0;
