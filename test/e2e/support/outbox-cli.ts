import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../support/fixture-process.js';

const run = promisify(execFile);

export type CliResult = { code: number; stdout: string; stderr: string };

/** Runs the `outbox` operations CLI as an operator would, against the system's database. */
export async function outboxCli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'services/cli/main.ts', ...args],
      {
        cwd: PROJECT_ROOT,
        env: { ...env, LOG_LEVEL: 'warn' },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

/**
 * The dead-letter count of one subscription in `outbox status --json`, whatever the exact layout:
 * the object naming the subscription, and in it the first field about dead letters (a count or a list).
 */
export function deadLettersIn(statusJson: string, subscription: string): number | undefined {
  return countIn(statusJson, subscription, /dead/i);
}

/** The backlog of one subscription in `outbox status --json` (committed events not yet passed). */
export function backlogIn(statusJson: string, subscription: string): number | undefined {
  return countIn(statusJson, subscription, /backlog/i);
}

/** In the object naming `subscription`, the first field whose name matches `field`, as a count. */
function countIn(json: string, subscription: string, field: RegExp): number | undefined {
  const found: number[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const entry = value as Record<string, unknown>;
    const named = [entry.name, entry.subscription, entry.subscriber].includes(subscription);
    const key = Object.keys(entry).find((name) => field.test(name));
    if (named && key !== undefined) {
      const count = entry[key];
      if (typeof count === 'number') found.push(count);
      else if (Array.isArray(count)) found.push(count.length);
      else if (typeof count === 'string' && /^\d+$/.test(count)) found.push(Number(count));
    }
    Object.values(entry).forEach(visit);
  };
  visit(JSON.parse(json));
  return found[0];
}
