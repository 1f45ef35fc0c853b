import { createDb } from '../../services/common/db/create-db.js';
import type { ServiceHandle } from '../../test/e2e/support/system.js';
import { runApiLoad, type ApiLoadResult } from '../api-load.js';
import { createPlainOrdersTable } from '../baseline/plain-orders-table.js';
import { sharedMeteredProcesses, type BenchContext } from '../context.js';
import { startCpuMeter, type PhaseCpu } from '../cpu-meter.js';
import { API_BASELINE, ORDER_API } from '../entry-points.js';
import { startBenchSystem } from '../system.js';

export type ApiMeasurement = ApiLoadResult & { cpu: PhaseCpu };

export type ApiScenarioResult = {
  connections: number;
  seconds: number;
  poolMax: number;
  baseline: ApiMeasurement;
  orderApi: ApiMeasurement;
  /** Order API over baseline: throughput (target >= 0.9) and latency percentiles. */
  ratio: { commandsPerSecond: number; p50: number; p99: number };
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
  const baselineSystem = await startBenchSystem(context, baselineUrl, { baseline: true });
  const baseline = await measure(context, baselineSystem.service(API_BASELINE.name), load).finally(() =>
    baselineSystem.stop(),
  );

  context.progress(`api: Order API, ${load.connections} connections, ${load.seconds} s`);
  const system = await startBenchSystem(context, await context.postgres.freshDatabase('api'), {
    orderApi: true,
  });
  const orderApi = await measure(context, system.service(ORDER_API.name), load).finally(() => system.stop());
  return {
    ...load,
    poolMax: options.poolMax,
    baseline,
    orderApi,
    ratio: {
      commandsPerSecond: orderApi.commandsPerSecond / baseline.commandsPerSecond,
      p50: orderApi.latencyMs.p50 / baseline.latencyMs.p50,
      p99: orderApi.latencyMs.p99 / baseline.latencyMs.p99,
    },
  };
}

/** A warm-up (JIT, pool connections) that is not counted, then the measured run with CPU readings. */
async function measure(
  context: BenchContext,
  service: ServiceHandle,
  load: { connections: number; seconds: number },
): Promise<ApiMeasurement> {
  if (context.options.warmupSeconds > 0) {
    await runApiLoad({ baseUrl: service.url, ...load, seconds: context.options.warmupSeconds });
  }
  const meter = startCpuMeter([{ name: service.name, pid: service.pid }, ...sharedMeteredProcesses(context)]);
  const result = await runApiLoad({ baseUrl: service.url, ...load });
  return { ...result, cpu: meter.stop('commands', result.commands) };
}
