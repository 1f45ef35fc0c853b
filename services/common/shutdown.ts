import type { Logger } from './logger.js';

export type ShutdownStep = { name: string; run: () => Promise<void> | void };

/**
 * On SIGTERM or SIGINT: run the steps in order (stop accepting, drain, release, close the pool),
 * then exit 0. A step that fails is logged and the rest still run; if the whole sequence overruns
 * `timeoutMs` the process exits 1 rather than hang an orchestrator.
 */
export function installGracefulShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs = 10_000): void {
  let shuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(0);
  };
  // `on`, not `once`: a Ctrl-C reaches us twice (from the terminal and relayed by npm or tsx), and
  // with the listener gone the second signal's default action would kill us mid-drain.
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
