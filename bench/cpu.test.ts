import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { startCpuMeter } from './cpu-meter.js';
import { parseProcStat, treeCpuSeconds } from './cpu.js';

const onLinux = process.platform === 'linux' ? it : it.skip;

/** Burns `seconds` of CPU time (not wall time: the machine is shared and tests run in parallel). */
function burn(seconds: number): void {
  const start = process.cpuUsage();
  while (process.cpuUsage(start).user < seconds * 1e6) Math.sqrt(Math.random());
}

/** Burns 0.3 s of CPU, says so, then idles until killed. */
const BURNING_CHILD = `
  const start = process.cpuUsage();
  while (process.cpuUsage(start).user < 300000) Math.sqrt(Math.random());
  process.stdout.write('burnt');
  setTimeout(() => {}, 60000);`;

describe('reading CPU time from /proc', () => {
  it('parses a stat line whose process name holds spaces and parentheses', () => {
    // Given fields 3.. of proc(5): state ppid ... utime(14)=150 stime(15)=50 cutime(16)=7 cstime(17)=3
    const rest = ['S', '42', ...Array<string>(9).fill('0'), '150', '50', '7', '3', '20', '0'];
    const stat = parseProcStat(`1234 (postgres: a (b) c) ${rest.join(' ')}`);
    expect(stat).toEqual({ pid: 1234, ppid: 42, comm: 'postgres: a (b) c', ticks: 210 });
  });

  onLinux('counts the CPU a process burns, and its children in its tree', async () => {
    const before = treeCpuSeconds(process.pid)!;
    burn(0.3);
    expect(treeCpuSeconds(process.pid)! - before).toBeGreaterThanOrEqual(0.25);

    // A child's CPU is in its own tree, and in its parent's
    const child = spawn(process.execPath, ['-e', BURNING_CHILD], { stdio: ['ignore', 'pipe', 'ignore'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      expect(treeCpuSeconds(child.pid!)).toBeGreaterThanOrEqual(0.25);
      expect(treeCpuSeconds(process.pid)! - before).toBeGreaterThanOrEqual(0.5);
    } finally {
      child.kill();
    }
    await exited;
    expect(treeCpuSeconds(child.pid!)).toBeUndefined();
  });

  it('meters this process and leaves out a process that cannot be read', () => {
    const meter = startCpuMeter([
      { name: 'bench', pid: 'self' },
      { name: 'gone', pid: 2 ** 22 + 1 },
    ]);
    burn(0.05);
    const phase = meter.stop('events', 500);
    expect(phase.unit).toBe('events');
    expect(phase.processes.map((usage) => usage.process)).toEqual(['bench']);
    expect(phase.processes[0]!.cpuSeconds).toBeGreaterThan(0);
    expect(phase.processes[0]!.cpuSecondsPer1000).toBeCloseTo(phase.processes[0]!.cpuSeconds * 2, 2);
  });
});
