import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import { commandFor } from '../services/launcher/child-service.js';
import { prefixLines } from '../services/launcher/line-prefixer.js';
import { waitHealthy } from '../services/launcher/wait-healthy.js';

export type ServiceProcess = {
  name: string;
  pid: number;
  baseUrl: string;
  stop(): Promise<void>;
};

/**
 * Starts one service module as its own process, exactly as `npm start` would (node + tsx, or the
 * build), with its output appended to the run's log file rather than the table on the terminal,
 * and resolves once `healthPath` on `port` answers 2xx. A child that dies during start-up fails
 * the run with its exit status and a pointer to the log.
 */
export async function startServiceProcess(options: {
  root: string;
  name: string;
  module: string;
  env: NodeJS.ProcessEnv;
  port: number;
  log: WriteStream;
  healthPath?: string;
  startTimeoutMs?: number;
  /** Write a V8 CPU profile here when the service exits (`node --cpu-prof`), to see where time goes. */
  cpuProfileDir?: string;
}): Promise<ServiceProcess> {
  const { command, args } = commandFor(options.root, options.module);
  // One folder per process and node's default file names (which carry the thread id): tsx runs
  // its loader in a worker thread, and a fixed --cpu-prof-name made that thread's profile
  // overwrite the main thread's, the one that matters.
  const profiling = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfileDir, `${options.name}.${Date.now()}`)}`]
    : [];
  const child = spawn(command, [...profiling, ...args], {
    cwd: options.root,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines(child.stdout, options.log, `[${options.name}]`);
  prefixLines(child.stderr, options.log, `[${options.name}]`);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code ?? '?'}`));
  });
  let exitedEarly: string | undefined;
  void exited.then((how) => (exitedEarly = how));

  const baseUrl = `http://127.0.0.1:${options.port}`;
  const healthy = await waitHealthy(
    `${baseUrl}${options.healthPath ?? '/healthz'}`,
    options.startTimeoutMs ?? 60_000,
    () => exitedEarly !== undefined,
  );
  if (!healthy) {
    await stopChild(child, exited);
    throw new Error(
      `${options.name} (${options.module}) did not become healthy${exitedEarly ? `: exited with ${exitedEarly}` : ''}; see the run's log file`,
    );
  }
  return { name: options.name, pid: child.pid!, baseUrl, stop: () => stopChild(child, exited) };
}

/** SIGTERM, then SIGKILL after 10 s: a service that cannot drain must not hang the run. */
async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Stops every process, in parallel, even when some fail to stop. */
export async function stopAll(processes: ServiceProcess[]): Promise<void> {
  await Promise.allSettled(processes.map((service) => service.stop()));
}
