import type { ServiceStatus } from './supervisor.js';

/** What `npm start` prints once every service answered /healthz (or gave up): where each one is. */
export function readyBanner(statuses: ServiceStatus[], databaseSource: string): string {
  const width = Math.max(0, ...statuses.map((status) => status.service.length));
  const lines = statuses.map(
    ({ service, url, healthy }) => `  ${service.padEnd(width)}  ${url}${healthy ? '' : '  (not healthy)'}`,
  );
  const allHealthy = statuses.every((status) => status.healthy);
  const headline = allHealthy
    ? 'Order outbox is up'
    : 'Order outbox started with failures (see the log above)';
  return `\n${headline} (PostgreSQL: ${databaseSource}).\n${lines.join('\n')}\nPress Ctrl-C to stop.\n\n`;
}
