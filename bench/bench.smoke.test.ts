/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call --
   the result file is read as plain JSON on purpose: this checks what was written, not its types. */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SUBSCRIBERS } from './entry-points.js';
import { HOPS } from './hop-breakdown.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** Fails with the path of every figure that is not a positive number. */
function expectPositive(result: object, paths: string[]): void {
  const bad = paths.filter((path) => {
    const value = path
      .split('.')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], result);
    return typeof value !== 'number' || !Number.isFinite(value) || value <= 0;
  });
  expect(bad).toEqual([]);
}

/**
 * Benchmarks are not tests: nothing here judges a figure. This runs `npm run bench -- --smoke` as a
 * real process on the test PostgreSQL so the benchmark cannot rot, and checks that the result file
 * has every figure, each a positive number.
 */
describe('npm run bench -- --smoke', () => {
  it('writes a result file with the machine, the versions and every figure of every scenario', async () => {
    const resultsDir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: process.env.TEST_PG_ADMIN_URL,
          BENCH_RESULTS_DIR: resultsDir,
          BENCH_BATCH_SIZE: '10',
        },
        // A bound, not a goal: six scenarios each start their services afresh (the API and
        // end-to-end ones once more with tracing on), and a shared 2-core machine is slow at it.
        timeout: 480_000,
      });
      const file = readdirSync(resultsDir).find((name) => name.endsWith('.json'));
      const result = JSON.parse(readFileSync(join(resultsDir, file!), 'utf8'));

      expect(result).toMatchObject({ smoke: true, versions: { node: process.version } });
      expect(result.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(result.versions.postgres).toMatch(/^\d+/);
      expectPositive(result, ['machine.cpus', 'machine.memoryBytes']);
      expect(typeof result.machine.os.type).toBe('string');

      // API: the baseline and the Order API
      const api = result.scenarios.api;
      expectPositive(api, ['baseline.commandsPerSecond', 'baseline.latencyMs.p50', 'baseline.latencyMs.p99']);
      expect(api.baseline.non2xx).toBe(0);
      const baselineCpu = api.baseline.cpu.processes.find(
        (usage: { process: string }) => usage.process === 'api-baseline',
      );
      expectPositive(baselineCpu, ['cpuSeconds', 'cpuSecondsPer1000']);
      expectPositive(api, ['orderApi.commandsPerSecond', 'orderApi.latencyMs.p50', 'orderApi.latencyMs.p99']);
      expectPositive(api, ['ratio.commandsPerSecond', 'ratio.p50', 'ratio.p99']);
      // With auth on (every request verified) and off, in the same run; no request refused
      expect(api.orderApi.non2xx).toBe(0);
      expectPositive(api, ['orderApiAuthOff.commandsPerSecond', 'orderApiAuthOff.latencyMs.p50']);
      expect(api.orderApiAuthOff.non2xx).toBe(0);
      expectPositive(api, ['authCost.commandsPerSecond', 'authCost.p50', 'authCost.p99']);
      // Tracing on (spans exported to the benchmark's receiver) beside off, the normal figure
      expectPositive(api, [
        'orderApiTracingOn.commandsPerSecond',
        'orderApiTracingOn.latencyMs.p50',
        'orderApiTracingOn.exported.requests',
        'orderApiTracingOn.exported.bytes',
        'tracingCost.commandsPerSecond',
        'tracingCost.p50',
        'tracingCost.p99',
      ]);
      expect(api.orderApiTracingOn.non2xx).toBe(0);

      // Relay drain: straight to the subscribers, then through the relay
      const drain = result.scenarios.relayDrain;
      const perSubscriber = (side: string) =>
        SUBSCRIBERS.map((entry) => `${side}.rate.perSubscriber.${entry.name}.eventsPerSecond`);
      expectPositive(drain, [
        'direct.rate.total.eventsPerSecond',
        'direct.secondsToBacklogZero',
        ...perSubscriber('direct'),
      ]);
      expectPositive(drain, [
        'relay.rate.total.eventsPerSecond',
        'relay.secondsToBacklogZero',
        ...perSubscriber('relay'),
      ]);
      expectPositive(drain, ['ratio.eventsPerSecond', 'ratio.secondsToBacklogZero']);

      // End to end: every wake-up mode at every rate, latency per subscriber
      const e2e = result.scenarios.endToEnd;
      expect(e2e.runs.map((r: { wakeUp: string }) => r.wakeUp)).toEqual(['listen', 'polling']);
      for (const [i] of e2e.runs.entries()) {
        expectPositive(e2e.runs[i], [
          'load.achievedRate',
          ...['all', ...SUBSCRIBERS.map((entry) => entry.name)].flatMap((name) =>
            ['count', 'p50', 'p95', 'p99', 'max'].map((figure) => `latencyMs.${name}.${figure}`),
          ),
        ]);
      }

      // The breakdown by hop, from the spans of a run with tracing on: every hop has its figures
      // (finite: two processes' clocks may put a sub-millisecond hop a hair below zero)
      const breakdown = e2e.breakdown;
      expect(breakdown).toMatchObject({ tracing: 'on', wakeUp: 'listen' });
      expectPositive(breakdown, ['spansReceived', 'hops.count', 'latencyMs.p50']);
      for (const hop of HOPS) {
        expect(breakdown.hops[hop].count).toBe(breakdown.hops.count);
        for (const figure of ['p50', 'p99']) expect(Number.isFinite(breakdown.hops[hop][figure])).toBe(true);
      }

      // Partitions: 1, 4 and 8, each with its events/s and its ratio to 1; every event once, in order
      const partitioned = result.scenarios.partitions;
      expect(partitioned.runs.map((r: { partitions: number }) => r.partitions)).toEqual([1, 4, 8]);
      for (const [i, partitionRun] of partitioned.runs.entries()) {
        expectPositive(partitioned.runs[i], [
          'eventsPerSecond',
          'secondsToBacklogZero',
          'maxBatchesInFlight',
        ]);
        expectPositive(partitioned.ratioToFirst, [String(partitionRun.partitions)]);
        expect(partitionRun).toMatchObject({ duplicates: 0, ordersOutOfOrder: 0 });
      }

      // NATS: the same backlog over HTTP and through JetStream, per subscriber, and the ratio
      const nats = result.scenarios.natsDrain;
      for (const side of ['http', 'nats']) {
        expectPositive(nats, [
          `${side}.rate.total.eventsPerSecond`,
          `${side}.secondsToBacklogZero`,
          ...perSubscriber(side),
        ]);
      }
      expectPositive(nats, ['ratio.eventsPerSecond', 'ratio.secondsToBacklogZero']);

      // Idle apply: one event at a time to the email subscriber and to the bare INSERT
      const apply = result.scenarios.idleApply;
      expectPositive(apply, [
        ...['subscriberMs', 'baselineMs'].flatMap((side) =>
          ['count', 'p50', 'min', 'p99'].map((figure) => `${side}.${figure}`),
        ),
        'ratio.p50',
        'ratio.min',
      ]);
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  }, 510_000);
});
