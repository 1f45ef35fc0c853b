import type { Logger } from '../common/logger.js';
import { startChildService, type ChildOutput, type ChildService } from './child-service.js';
import type { ServiceEntry } from './service-list.js';
import { waitHealthy } from './wait-healthy.js';

export type ServiceStatus = { service: string; url: string; healthy: boolean };

export type Supervisor = {
  children: ChildService[];
  /** Polls each service's /healthz until it answers, it dies, or `timeoutMs` passes. */
  waitUntilReady(timeoutMs: number): Promise<ServiceStatus[]>;
  /** SIGTERM to every child at once (SIGKILL after `timeoutMs`); resolves when all have exited. */
  stopAll(timeoutMs: number): Promise<void>;
};

export type SupervisorOptions = {
  root: string;
  services: ServiceEntry[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
  output?: ChildOutput;
};

/**
 * Runs each service as its own child process. A child that dies is reported and left dead: the
 * others keep running, because one broken subscriber must not take the order API down with it
 * (that is the point of the outbox), and restarting in a loop would hide the reason it died.
 */
export function superviseServices(options: SupervisorOptions): Supervisor {
  const width = Math.max(0, ...options.services.map((service) => service.name.length));
  let stopping = false;
  const exitedEarly = new Set<string>();
  const children = options.services.map((service) =>
    startChildService(options.root, service.name, service.module, options.env, width, options.output),
  );
  for (const child of children) {
    void child.exited.then((how) => {
      if (stopping) return;
      exitedEarly.add(child.name);
      // `service` is the launcher's own field in every line; the dead one is `child`.
      options.logger.error({ child: child.name, exit: how }, 'service exited unexpectedly');
    });
  }

  return {
    children,
    waitUntilReady: (timeoutMs) =>
      Promise.all(
        options.services.map(async (service) => {
          const url = `http://127.0.0.1:${portOf(service, options.env)}`;
          const gaveUp = () => stopping || exitedEarly.has(service.name);
          const healthy = await waitHealthy(`${url}/healthz`, timeoutMs, gaveUp);
          return { service: service.name, url, healthy };
        }),
      ),
    stopAll: async (timeoutMs) => {
      stopping = true;
      await Promise.all(children.map((child) => child.stop(timeoutMs)));
    },
  };
}

export function portOf(service: ServiceEntry, env: NodeJS.ProcessEnv): number {
  return Number(env[service.portVariable] || service.defaultPort);
}
