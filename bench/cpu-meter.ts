import { treeCpuSeconds } from './cpu.js';

/** A process whose CPU a phase accounts for; `pid: 'self'` is the benchmark process (the load generator). */
export type MeteredProcess = { name: string; pid: number | 'self' };

export type ProcessCpu = {
  process: string;
  cpuSeconds: number;
  /** CPU-seconds per 1,000 units of work (events or commands, named by the phase). */
  cpuSecondsPer1000: number;
};

export type PhaseCpu = { unit: string; units: number; wallSeconds: number; processes: ProcessCpu[] };

function selfSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function read(target: MeteredProcess): number | undefined {
  // The bench's own tree would include the services it started, so it is read from inside instead.
  return target.pid === 'self' ? selfSeconds() : treeCpuSeconds(target.pid);
}

/**
 * Takes a reading of every process now; `stop` takes another and reports the difference. A process
 * that could not be read (gone, or no /proc) is left out rather than reported as zero.
 */
export function startCpuMeter(targets: MeteredProcess[]): {
  stop(unit: string, units: number): PhaseCpu;
} {
  const startedAt = performance.now();
  const before = targets.map((target) => ({ target, seconds: read(target) }));
  return {
    stop(unit, units) {
      const processes: ProcessCpu[] = [];
      for (const { target, seconds } of before) {
        const after = read(target);
        if (seconds === undefined || after === undefined) continue;
        const cpuSeconds = after - seconds;
        processes.push({
          process: target.name,
          cpuSeconds: round(cpuSeconds, 3),
          cpuSecondsPer1000: units > 0 ? round((cpuSeconds * 1000) / units, 4) : 0,
        });
      }
      return { unit, units, wallSeconds: round((performance.now() - startedAt) / 1000, 3), processes };
    },
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
