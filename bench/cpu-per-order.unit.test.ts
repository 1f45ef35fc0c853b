import { describe, expect, it } from '@jest/globals';
import { cpuPerOrder } from './table.js';

const phase = (processes: [string, number][], units: number) => ({
  unit: 'events',
  units,
  wallSeconds: 20,
  processes: processes.map(([process, cpuSeconds]) => ({ process, cpuSeconds, cpuSecondsPer1000: 0 })),
});

describe('CPU per order of an end-to-end run', () => {
  it('adds every service and PostgreSQL, and keeps the load generator apart', () => {
    const cpu = phase(
      [
        ['order-api', 13],
        ['relay', 3],
        ['postgres', 10],
        ['bench', 4],
      ],
      10_000,
    );
    expect(cpuPerOrder(cpu)).toEqual({ system: 2.6, loadGenerator: 0.4, postgresMeasured: true });
  });

  it('says when PostgreSQL was not measured (a server given by DATABASE_URL)', () => {
    expect(cpuPerOrder(phase([['relay', 1]], 1_000))).toEqual({
      system: 1,
      loadGenerator: 0,
      postgresMeasured: false,
    });
  });

  it('has no figure for a run that placed no orders', () => {
    expect(cpuPerOrder(phase([['relay', 1]], 0))).toBeUndefined();
  });
});
