import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of processes from /proc (Linux), in seconds. A process tree is counted as each live
 * member's own time plus the time of the children it has already reaped (cutime/cstime): PostgreSQL
 * backends come and go during a run, and when one exits its time moves into the postmaster's
 * cutime, so the tree's total stays continuous. Elsewhere than Linux the readers return undefined.
 */

type ProcStat = { pid: number; ppid: number; comm: string; ticks: number };

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100; // what every mainstream Linux kernel uses
    }
  }
  return ticksPerSecond;
}

/** Parses /proc/<pid>/stat; the name is in parentheses and may hold spaces, so split after the last ')'. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // fields[0] is field 3 of proc(5): state; ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    ppid: field(4),
    comm: text.slice(open + 1, close),
    ticks: field(14) + field(15) + field(16) + field(17),
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone, or not Linux
  }
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readStat(Number(entry)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** CPU seconds used so far by `pid` and every live descendant (plus children they reaped). */
export function treeCpuSeconds(pid: number): number | undefined {
  const root = readStat(pid);
  if (!root) return undefined;
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(stat);
    children.set(stat.ppid, siblings);
  }
  let ticks = 0;
  const pending: ProcStat[] = [root];
  for (let next = pending.pop(); next; next = pending.pop()) {
    ticks += next.ticks;
    pending.push(...(children.get(next.pid) ?? []));
  }
  return ticks / clockTicks();
}

export function processName(pid: number): string | undefined {
  return readStat(pid)?.comm;
}

export function parentPid(pid: number): number | undefined {
  return readStat(pid)?.ppid;
}
