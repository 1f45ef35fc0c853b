import Table from 'cli-table3';
import { BENCH_PROCESS, POSTGRES_PROCESS } from './context.js';
import type { PhaseCpu } from './cpu-meter.js';
import type { Distribution } from './percentiles.js';
import type { ApiMeasurement, ApiScenarioResult } from './scenarios/api.js';
import { TARGETS, type BenchResult, type ScenarioFailure } from './results.js';

type Row = [figure: string, measured: string, baseline: string, ratio: string, target: string];

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => n(value, value < 10 ? 2 : 1);
const x = (value: number) => `${n(value, 2)}x`;

/** Only 2xx answers count as commands; say so when others came back. */
function failedRequests(rows: Row[], who: string, load: { non2xx: number; errors: number }): void {
  if (load.non2xx + load.errors > 0) {
    rows.push([`  WARNING ${who}`, `${load.non2xx} non-2xx, ${load.errors} errors`, '', '', '']);
  }
}

function failed(value: unknown): value is ScenarioFailure {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/**
 * The two rows that compare a variant of the Order API (auth off, tracing on) with the Order API
 * as it runs by default: commands per second, then p50 / p99, each with its on/off ratio.
 */
function againstDefault(
  label: string,
  variant: ApiMeasurement,
  real: ApiMeasurement,
  cost: ApiScenarioResult['authCost'],
): Row[] {
  return [
    [
      `${label}: commands/s`,
      n(variant.commandsPerSecond),
      n(real.commandsPerSecond),
      `${x(cost.commandsPerSecond)} (on/off)`,
      '',
    ],
    [
      `${label}: p50 / p99 ms`,
      `${ms(variant.latencyMs.p50)} / ${ms(variant.latencyMs.p99)}`,
      `${ms(real.latencyMs.p50)} / ${ms(real.latencyMs.p99)}`,
      `${x(cost.p50)} / ${x(cost.p99)} (on/off)`,
      '',
    ],
  ];
}

/** The end-to-end targets a run at this rate is judged by (LISTEN only: polling is the fallback). */
function endToEndTargets(rate: number, wakeUp: string): { latency: string; rate: string; cpu: string } {
  const { endToEndUnloaded: unloaded, endToEndSustained: sustained } = TARGETS;
  const none = { latency: '', rate: '', cpu: '' };
  if (wakeUp !== 'listen') return none;
  if (rate === unloaded.ratePerSecond) {
    return { ...none, latency: `p50 <= ${unloaded.p50MsAtMost}, p99 <= ${unloaded.p99MsAtMost}` };
  }
  if (rate === sustained.ratePerSecond) {
    return {
      latency: `p99 <= ${sustained.p99MsAtMost}`,
      rate: `>= ${sustained.ratePerSecond}, 0`,
      cpu: `<= ${TARGETS.cpuMsPerOrderAtMost}`,
    };
  }
  return none;
}

/**
 * CPU milliseconds per order of a run: every service and PostgreSQL together, and the benchmark's
 * own process (the load generator, which a real system's clients would pay) apart.
 */
export function cpuPerOrder(
  cpu: PhaseCpu,
): { system: number; loadGenerator: number; postgresMeasured: boolean } | undefined {
  if (cpu.units === 0 || cpu.processes.length === 0) return undefined;
  const perOrder = (seconds: number) => (seconds * 1000) / cpu.units;
  let system = 0;
  let loadGenerator = 0;
  for (const process of cpu.processes) {
    if (process.process === BENCH_PROCESS) loadGenerator += process.cpuSeconds;
    else system += process.cpuSeconds;
  }
  return {
    system: perOrder(system),
    loadGenerator: perOrder(loadGenerator),
    postgresMeasured: cpu.processes.some((process) => process.process === POSTGRES_PROCESS),
  };
}

/** The figures as a table for the terminal (and for pasting into the README's Performance section). */
export function renderFigures(result: BenchResult): string {
  const table = new Table({
    head: ['figure', 'measured', 'baseline', 'ratio', 'target'],
    style: { head: [], border: [] },
  });
  const rows: Row[] = [];
  const note = (figure: string, why: string) => rows.push([figure, why, '', '', '']);

  const api = result.scenarios.api;
  if (failed(api)) note('API', `failed: ${api.error}`);
  else if (api) {
    const base = api.baseline;
    const label = `API, ${api.connections} conn.`;
    const real = api.orderApi;
    rows.push([
      `${label}: commands/s`,
      n(real.commandsPerSecond),
      n(base.commandsPerSecond),
      x(api.ratio.commandsPerSecond),
      `>= ${TARGETS.apiThroughputRatioAtLeast}x`,
    ]);
    rows.push([
      `${label}: p50 / p99 ms`,
      `${ms(real.latencyMs.p50)} / ${ms(real.latencyMs.p99)}`,
      `${ms(base.latencyMs.p50)} / ${ms(base.latencyMs.p99)}`,
      `${x(api.ratio.p50)} / ${x(api.ratio.p99)}`,
      '',
    ]);
    rows.push(...againstDefault(`${label}, auth off`, api.orderApiAuthOff, real, api.authCost));
    rows.push(...againstDefault(`${label}, tracing on`, api.orderApiTracingOn, real, api.tracingCost));
    failedRequests(rows, 'baseline', base);
    failedRequests(rows, 'Order API', real);
    failedRequests(rows, 'Order API, auth off', api.orderApiAuthOff);
    failedRequests(rows, 'Order API, tracing on', api.orderApiTracingOn);
  }

  const drain = result.scenarios.relayDrain;
  if (failed(drain)) note('relay drain', `failed: ${drain.error}`);
  else if (drain) {
    const label = `drain ${n(drain.events)} events`;
    const { direct, relay, ratio } = drain;
    // A subscriber that received nothing of its types has no rate.
    const rate = (value: number | undefined) => (value === undefined ? '' : n(value));
    rows.push([
      `${label}: deliveries/s, all 4`,
      n(relay.rate.total.eventsPerSecond),
      n(direct.rate.total.eventsPerSecond),
      x(ratio.eventsPerSecond),
      `>= ${n(TARGETS.relayDrainTotalEventsPerSecondAtLeast)}/s`,
    ]);
    for (const name of Object.keys(drain.expectedPerSubscriber)) {
      rows.push([
        `  ${name}: deliveries/s`,
        rate(relay.rate.perSubscriber[name]?.eventsPerSecond),
        rate(direct.rate.perSubscriber[name]?.eventsPerSecond),
        '',
        '',
      ]);
    }
    rows.push([
      `${label}: s to backlog 0`,
      n(relay.secondsToBacklogZero, 2),
      n(direct.secondsToBacklogZero, 2),
      x(ratio.secondsToBacklogZero),
      '',
    ]);
  }

  const e2e = result.scenarios.endToEnd;
  if (failed(e2e)) note('end to end', `failed: ${e2e.error}`);
  else if (e2e) {
    for (const run of e2e.runs) {
      const all: Distribution = run.latencyMs.all;
      const targets = endToEndTargets(run.rate, run.wakeUp);
      rows.push([
        `e2e ${run.rate}/s ${run.wakeUp}: p50/p95/p99/max ms`,
        [all.p50, all.p95, all.p99, all.max].map(ms).join(' / '),
        '',
        '',
        targets.latency,
      ]);
      rows.push([
        `  achieved orders/s, failures`,
        `${n(run.load.achievedRate, 1)}, ${run.load.failures}`,
        '',
        '',
        targets.rate,
      ]);
      const cpu = cpuPerOrder(run.cpu);
      if (cpu) {
        rows.push([
          `  CPU ms per order, services${cpu.postgresMeasured ? ' + PostgreSQL' : ' (PostgreSQL not measured)'}`,
          `${ms(cpu.system)} (load generator ${ms(cpu.loadGenerator)} apart)`,
          '',
          '',
          targets.cpu,
        ]);
      }
      // The switch that turns LISTEN off is an assumption about the relay: show when it did not hold.
      if ((run.wakeUp === 'polling') !== (run.listeningConnections === 0)) {
        rows.push(['  WARNING', `${run.listeningConnections} relay connection(s) LISTENing`, '', '', '']);
      }
    }
    const { breakdown } = e2e;
    const { hops } = breakdown;
    rows.push([
      `e2e ${breakdown.rate}/s ${breakdown.wakeUp}, tracing on: p50/p99 ms`,
      `${ms(breakdown.latencyMs.p50)} / ${ms(breakdown.latencyMs.p99)}`,
      '',
      '',
      '',
    ]);
    for (const [hop, label] of [
      ['apiCommitToRelayRead', 'API commit -> relay read'],
      ['relayReadToPostSent', 'relay read -> POST sent'],
      ['postToSubscriberCommit', 'POST -> subscriber commit'],
      ['subscriberCommitToResponse', 'subscriber commit -> response'],
    ] as const) {
      rows.push([`  ${label}: p50 / p99 ms`, `${ms(hops[hop].p50)} / ${ms(hops[hop].p99)}`, '', '', '']);
    }
    rows.push([
      '  deliveries traced, spans received',
      `${n(hops.count)}, ${n(breakdown.spansReceived)}`,
      '',
      '',
      '',
    ]);
  }
  const partitioned = result.scenarios.partitions;
  if (failed(partitioned)) note('partitions', `failed: ${partitioned.error}`);
  else if (partitioned) {
    const label = `partitions, ${n(partitioned.events)} events, ${partitioned.receiverDelayMs} ms/batch`;
    const first = partitioned.runs[0]!;
    for (const run of partitioned.runs) {
      rows.push([
        `${label}: ${run.partitions} partition(s) events/s`,
        n(run.eventsPerSecond),
        run === first ? '' : `${n(first.eventsPerSecond)} (${first.partitions})`,
        run === first ? '' : x(partitioned.ratioToFirst[String(run.partitions)]!),
        '',
      ]);
      rows.push([
        `  s to backlog 0, batches in flight at most`,
        `${n(run.secondsToBacklogZero, 2)}, ${run.maxBatchesInFlight}`,
        '',
        '',
        '',
      ]);
      if (run.duplicates + run.ordersOutOfOrder > 0) {
        rows.push([
          '  WARNING',
          `${run.duplicates} duplicates, ${run.ordersOutOfOrder} orders out of order`,
          '',
          '',
          '',
        ]);
      }
    }
  }

  const nats = result.scenarios.natsDrain;
  if (failed(nats)) note('NATS drain', `failed: ${nats.error}`);
  else if (nats) {
    const label = `NATS drain ${n(nats.events)} events`;
    rows.push([
      `${label}: deliveries/s, all 4`,
      n(nats.nats.rate.total.eventsPerSecond),
      `${n(nats.http.rate.total.eventsPerSecond)} (HTTP)`,
      x(nats.ratio.eventsPerSecond),
      '',
    ]);
    for (const name of Object.keys(nats.expectedPerSubscriber)) {
      rows.push([
        `  ${name}: deliveries/s`,
        n(nats.nats.rate.perSubscriber[name]?.eventsPerSecond ?? 0),
        n(nats.http.rate.perSubscriber[name]?.eventsPerSecond ?? 0),
        '',
        '',
      ]);
    }
    rows.push([
      `${label}: s to backlog 0`,
      n(nats.nats.secondsToBacklogZero, 2),
      n(nats.http.secondsToBacklogZero, 2),
      x(nats.ratio.secondsToBacklogZero),
      '',
    ]);
  }
  const apply = result.scenarios.idleApply;
  if (failed(apply)) note('idle apply', `failed: ${apply.error}`);
  else if (apply) {
    const { subscriberMs: real, baselineMs: base } = apply;
    rows.push([
      `idle ${apply.subscriber}, 1 event: p50 / min / p99 ms`,
      [real.p50, real.min, real.p99].map(ms).join(' / '),
      [base.p50, base.min, base.p99].map(ms).join(' / '),
      `${x(apply.ratio.p50)} / ${x(apply.ratio.min)}`,
      `p50 <= ${TARGETS.idleApplyP50MsAtMost}`,
    ]);
  }
  table.push(...rows);
  return table.toString();
}

/** CPU-seconds per 1,000 units of work, per process and phase. */
export function renderCpu(result: BenchResult): string {
  const table = new Table({
    head: ['phase', 'process', 'CPU s', 'CPU s / 1,000'],
    style: { head: [], border: [] },
  });
  for (const [phase, cpu] of cpuPhases(result)) {
    for (const usage of cpu.processes) {
      table.push([
        phase,
        usage.process,
        n(usage.cpuSeconds, 2),
        `${n(usage.cpuSecondsPer1000, 3)} per 1,000 ${cpu.unit}`,
      ]);
    }
  }
  return table.toString();
}

function cpuPhases(result: BenchResult): [string, PhaseCpu][] {
  const phases: [string, PhaseCpu][] = [];
  const { api, relayDrain, endToEnd, partitions, natsDrain, idleApply } = result.scenarios;
  if (api && !failed(api)) {
    phases.push(['API baseline', api.baseline.cpu]);
    phases.push(['API Order API', api.orderApi.cpu]);
    phases.push(['API Order API, auth off', api.orderApiAuthOff.cpu]);
    phases.push(['API Order API, tracing on', api.orderApiTracingOn.cpu]);
  }
  if (relayDrain && !failed(relayDrain)) {
    phases.push(['drain direct', relayDrain.direct.cpu]);
    phases.push(['drain relay', relayDrain.relay.cpu]);
  }
  if (endToEnd && !failed(endToEnd)) {
    for (const run of endToEnd.runs) phases.push([`e2e ${run.rate}/s ${run.wakeUp}`, run.cpu]);
    const { breakdown } = endToEnd;
    phases.push([`e2e ${breakdown.rate}/s ${breakdown.wakeUp}, tracing on`, breakdown.cpu]);
  }
  if (partitions && !failed(partitions)) {
    for (const run of partitions.runs) phases.push([`partitions ${run.partitions}`, run.cpu]);
  }
  if (natsDrain && !failed(natsDrain)) {
    phases.push(['NATS drain, HTTP', natsDrain.http.cpu]);
    phases.push(['NATS drain, JetStream', natsDrain.nats.cpu]);
  }
  if (idleApply && !failed(idleApply)) phases.push(['idle apply, both sides', idleApply.cpu]);
  return phases;
}
