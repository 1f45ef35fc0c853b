import { createDb } from '../../services/common/db/create-db.js';
import { operatorAuthorization } from '../../test/e2e/support/operator-authorization.js';
import type { ServiceHandle } from '../../test/e2e/support/system.js';
import { runApiLoad, type ApiLoadResult } from '../api-load.js';
import { createPlainOrdersTable } from '../baseline/plain-orders-table.js';
import { sharedMeteredProcesses, type BenchContext } from '../context.js';
import { startCpuMeter, type PhaseCpu } from '../cpu-meter.js';
import { API_BASELINE, ORDER_API } from '../entry-points.js';
import { startOtlpReceiver } from '../otlp-receiver.js';
import { startBenchSystem } from '../system.js';

export type ApiMeasurement = ApiLoadResult & { cpu: PhaseCpu };

export type ApiScenarioResult = {
  connections: number;
  seconds: number;
  poolMax: number;
  baseline: ApiMeasurement;
  /** The Order API as it runs: auth on, every request verified. */
  orderApi: ApiMeasurement;
  /** The same Order API with AUTH_MODE=off, same load (the token is still sent, and ignored). */
  orderApiAuthOff: ApiMeasurement;
  /**
   * The Order API as `orderApi` (auth on) with tracing on, exporting every span to a receiver in
   * the benchmark process; `orderApi` is the same with tracing off, as by default.
   */
  orderApiTracingOn: ApiMeasurement & { exported: { requests: number; bytes: number } };
  /** Order API over baseline: throughput (target >= 0.9) and latency percentiles. */
  ratio: { commandsPerSecond: number; p50: number; p99: number };
  /** Auth on over auth off: what verifying a token on every request costs. */
  authCost: { commandsPerSecond: number; p50: number; p99: number };
  /** Tracing on over off: what recording and exporting the spans costs. */
  tracingCost: { commandsPerSecond: number; p50: number; p99: number };
};

/**
 * Scenario 1: the Order API under closed-loop create+place load, against a bare express INSERT
 * service under the same load, same pool size, same kind of process, each on a fresh database;
 * and the Order API once more with auth off and once with tracing on, so that what auth and
 * tracing cost shows in the same run.
 */
export async function runApiScenario(context: BenchContext): Promise<ApiScenarioResult> {
  const { options } = context;
  const load = {
    connections: options.apiConnections,
    seconds: options.apiSeconds,
    authorization: await operatorAuthorization(),
  };

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

  const measureOrderApi = async (side: 'api' | 'api_auth_off' | 'api_traced', traceTo?: string) => {
    const authOff = side === 'api_auth_off';
    context.progress(
      `api: Order API, auth ${authOff ? 'off' : 'on'}, tracing ${traceTo ? 'on' : 'off'}, ` +
        `${load.connections} connections, ${load.seconds} s`,
    );
    const database = await context.postgres.freshDatabase(side);
    const system = await startBenchSystem(context, database, {
      orderApi: true,
      authOff,
      ...(traceTo ? { traceTo } : {}),
    });
    return measure(context, system.service(ORDER_API.name), load).finally(() => system.stop());
  };
  const orderApi = await measureOrderApi('api');
  const orderApiAuthOff = await measureOrderApi('api_auth_off');
  // Counted, not parsed: the receiver shares this process with the load generator.
  const receiver = await startOtlpReceiver({ keep: false });
  const orderApiTracingOn = await measureOrderApi('api_traced', receiver.url)
    .then((measured) => ({ ...measured, exported: receiver.received() }))
    .finally(() => receiver.close());
  return {
    connections: load.connections,
    seconds: load.seconds,
    poolMax: options.poolMax,
    baseline,
    orderApi,
    orderApiAuthOff,
    orderApiTracingOn,
    ratio: ratioOf(orderApi, baseline),
    authCost: ratioOf(orderApi, orderApiAuthOff),
    tracingCost: ratioOf(orderApiTracingOn, orderApi),
  };
}

function ratioOf(measured: ApiMeasurement, against: ApiMeasurement): ApiScenarioResult['ratio'] {
  return {
    commandsPerSecond: measured.commandsPerSecond / against.commandsPerSecond,
    p50: measured.latencyMs.p50 / against.latencyMs.p50,
    p99: measured.latencyMs.p99 / against.latencyMs.p99,
  };
}

/** A warm-up (JIT, pool connections) that is not counted, then the measured run with CPU readings. */
async function measure(
  context: BenchContext,
  service: ServiceHandle,
  load: { connections: number; seconds: number; authorization: string },
): Promise<ApiMeasurement> {
  if (context.options.warmupSeconds > 0) {
    await runApiLoad({ baseUrl: service.url, ...load, seconds: context.options.warmupSeconds });
  }
  const meter = startCpuMeter([{ name: service.name, pid: service.pid }, ...sharedMeteredProcesses(context)]);
  const result = await runApiLoad({ baseUrl: service.url, ...load });
  return { ...result, cpu: meter.stop('commands', result.commands) };
}
