import { cpus, loadavg, release, totalmem, type as osType, version as osVersion } from 'node:os';

export type Machine = {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  os: { type: string; release: string; version: string; arch: string };
  /** 1, 5 and 15 minute load averages when the run started: a shared machine is noisy. */
  loadAverageAtStart: number[];
};

export function describeMachine(): Machine {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    os: { type: osType(), release: release(), version: osVersion(), arch: process.arch },
    loadAverageAtStart: loadavg(),
  };
}
