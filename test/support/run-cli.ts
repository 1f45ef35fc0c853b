import { afterAll, beforeAll, jest } from '@jest/globals';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type CliRun = { code: number; stdout: string; stderr: string };

const cliEnv = (databaseUrl: string) => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: databaseUrl,
});

/** Runs the real `outbox` CLI (bin/outbox.js) as a child process against `databaseUrl`. */
export function runCli(databaseUrl: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/outbox.js', ...args],
      { cwd: root, env: cliEnv(databaseUrl) },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Starts the CLI and leaves it running (`status --watch`): the caller reads its output and sends
 * it signals. Its stdout is a pipe, as in a script.
 */
export function spawnCli(databaseUrl: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['bin/outbox.js', ...args], { cwd: root, env: cliEnv(databaseUrl) });
}

export type CliTestBed = {
  /** The spec file's database (ready once its beforeAll ran). */
  readonly database: TestDatabase;
  /** Runs the CLI against that database. */
  cli: (...args: string[]) => Promise<CliRun>;
};

/**
 * What every CLI spec file needs: a database of its own for the file, and the CLI run against it.
 * Each run is a real process (seconds each on a busy machine), hence the long timeout.
 */
export function useCliTestBed(): CliTestBed {
  let database: TestDatabase | undefined;
  const ready = (): TestDatabase => {
    if (!database) throw new Error('the CLI test bed is used before its beforeAll ran');
    return database;
  };
  jest.setTimeout(180_000);
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.destroy();
  });
  return {
    get database() {
      return ready();
    },
    cli: (...args) => runCli(ready().url, args),
  };
}
