import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { prefixLines } from './line-prefixer.js';

export type ChildService = {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code (or signal) when the child exits, for whatever reason. */
  exited: Promise<string>;
  stop(timeoutMs: number): Promise<void>;
};

/** Whether this process runs from the build output (`node dist/...`) or from sources under tsx. */
export const RUNNING_FROM_BUILD = !import.meta.url.endsWith('.ts');

/**
 * The command that runs a service module the same way this process runs: from `dist/` when we were
 * started from the build (as operators run it), else the TypeScript source through tsx. Never a
 * mix, so a stale `dist/` cannot sneak into a run from sources.
 */
export function commandFor(root: string, module: string): { command: string; args: string[] } {
  if (RUNNING_FROM_BUILD) {
    const built = join(root, 'dist', `${module}.js`);
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
    return { command: process.execPath, args: ['--enable-source-maps', built] };
  }
  return { command: process.execPath, args: ['--import', 'tsx', join(root, `${module}.ts`)] };
}

/** Where a child's prefixed lines go: the terminal for `npm start`, a log file for the e2e suite. */
export type ChildOutput = { stdout: Writable; stderr: Writable };

export function startChildService(
  root: string,
  name: string,
  module: string,
  env: NodeJS.ProcessEnv,
  width: number,
  output: ChildOutput = { stdout: process.stdout, stderr: process.stderr },
  /** Extra node options before the module (`--cpu-prof`, ...). */
  nodeArgs: string[] = [],
): ChildService {
  const { command, args } = commandFor(root, module);
  const child = spawn(command, [...nodeArgs, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}]`.padEnd(width + 2);
  prefixLines(child.stdout, output.stdout, prefix);
  prefixLines(child.stderr, output.stderr, prefix);
  // 'close' rather than 'exit': it waits for the output pipes to drain, so a dying child's last
  // lines (often the reason it died) are printed before its death is reported.
  const exited = new Promise<string>((resolve) => {
    child.once('close', (code, signal) => resolve(signal ?? `code ${code ?? '?'}`));
  });
  return {
    name,
    process: child,
    exited,
    stop: async (timeoutMs) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
