import { findFreePort } from '../../services/shared/postgres/free-port.js';
import { createDb } from '../../services/shared/db/create-db.js';
import { runApiLoad, type ApiLoadResult } from '../api-load.js';
import { createPlainOrdersTable } from '../baseline/plain-orders-table.js';
import {
  isSkipped,
  sharedMeteredProcesses,
  systemSettings,
  type BenchContext,
  type Skipped,
} from '../context.js';
import { startCpuMeter, type PhaseCpu } from '../cpu-meter.js';
import { missingModules, missingReason, ORDER_API } from '../entry-points.js';
import { startServiceProcess, type ServiceProcess } from '../service-process.js';
import { startSystem } from '../system.js';

export type ApiMeasurement = ApiLoadResult & { cpu: PhaseCpu };

export type ApiScenarioResult = {
  connections: number;
  seconds: number;
  poolMax: number;
  baseline: ApiMeasurement;
  orderApi: ApiMeasurement | Skipped;
  /** Order API over baseline: throughput (target >= 0.9) and latency percentiles. */
  ratio: { commandsPerSecond: number; p50: number; p99: number } | Skipped;
};

/**
 * Scenario 1: the Order API under closed-loop create+place load, against a bare express INSERT
 * service under the same load, same pool size, same kind of process, each on a fresh database.
 */
export async function runApiScenario(context: BenchContext): Promise<ApiScenarioResult> {
  const { options } = context;
  const load = { connections: options.apiConnections, seconds: options.apiSeconds };

  context.progress(`api: baseline (bare INSERT), ${load.connections} connections, ${load.seconds} s`);
  const baselineUrl = await context.postgres.freshDatabase('api_baseline');
  const setupDb = createDb({ connectionString: baselineUrl, max: 1 });
  try {
    await createPlainOrdersTable(setupDb);
  } finally {
    await setupDb.destroy();
  }
  const port = await findFreePort();
  const baselineService = await startServiceProcess({
    root: context.root,
    name: 'api-baseline',
    module: 'bench/baseline/insert-server',
    env: {
      ...process.env,
      DATABASE_URL: baselineUrl,
      PG_POOL_MAX: String(options.poolMax),
      BENCH_BASELINE_PORT: String(port),
    },
    port,
    log: context.log,
    ...(context.cpuProfileDir ? { cpuProfileDir: context.cpuProfileDir } : {}),
  });
  const baseline = await measure(context, baselineService, load).finally(() => baselineService.stop());

  const missing = missingModules(context.root, [ORDER_API]);
  if (missing.length > 0) {
    const skipped = { skipped: missingReason(missing) };
    return { ...load, poolMax: options.poolMax, baseline, orderApi: skipped, ratio: skipped };
  }

  context.progress(`api: Order API, ${load.connections} connections, ${load.seconds} s`);
  const system = await startSystem(systemSettings(context, await context.postgres.freshDatabase('api')), {
    subscribers: false,
    orderApi: true,
  });
  const orderApi = await measure(context, system.orderApi!, load).finally(() => system.stop());
  return {
    ...load,
    poolMax: options.poolMax,
    baseline,
    orderApi,
    ratio: isSkipped(orderApi)
      ? orderApi
      : {
          commandsPerSecond: orderApi.commandsPerSecond / baseline.commandsPerSecond,
          p50: orderApi.latencyMs.p50 / baseline.latencyMs.p50,
          p99: orderApi.latencyMs.p99 / baseline.latencyMs.p99,
        },
  };
}

/** A warm-up (JIT, pool connections) that is not counted, then the measured run with CPU readings. */
async function measure(
  context: BenchContext,
  service: ServiceProcess,
  load: { connections: number; seconds: number },
): Promise<ApiMeasurement> {
  if (context.options.warmupSeconds > 0) {
    await runApiLoad({ baseUrl: service.baseUrl, ...load, seconds: context.options.warmupSeconds });
  }
  const meter = startCpuMeter([{ name: service.name, pid: service.pid }, ...sharedMeteredProcesses(context)]);
  const result = await runApiLoad({ baseUrl: service.baseUrl, ...load });
  return { ...result, cpu: meter.stop('commands', result.commands) };
}
