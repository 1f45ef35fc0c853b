import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { StreamStatus } from '../../../services/relay/streams/read-stream-status.js';
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

/** One subscription's entry in `outbox status --json` (the relay's StreamStatus, as JSON). */
function statusOf(
  statusJson: string,
  subscription: string,
): Pick<StreamStatus, 'name' | 'backlog' | 'deadLetters'> | undefined {
  const streams = JSON.parse(statusJson) as Pick<StreamStatus, 'name' | 'backlog' | 'deadLetters'>[];
  return streams.find((stream) => stream.name === subscription);
}

/** The parked dead letters of one subscription in `outbox status --json`. */
export function deadLettersIn(statusJson: string, subscription: string): number | undefined {
  return statusOf(statusJson, subscription)?.deadLetters;
}

/** The backlog of one subscription in `outbox status --json` (committed events not yet passed). */
export function backlogIn(statusJson: string, subscription: string): number | undefined {
  return statusOf(statusJson, subscription)?.backlog;
}
