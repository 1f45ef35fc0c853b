import { expect } from '@jest/globals';
import { DEFAULT_SUBSCRIBERS } from '../../../services/common/events/default-subscribers.js';
import { checkEffects, type EffectFigures, type SubscriberUrls } from './effects-check.js';
import { InboxAudit, type InboxFigures } from './inbox-audit.js';
import { duplicatesSuppressed } from './metrics.js';
import { outboxCli } from './outbox-cli.js';
import { restock, setPrice } from './subscriber-views.js';
import type { RunningSystem } from './system.js';
import { CATALOG, expectedEventCount, type PlacedOrder } from './workload.js';

/** A non-negative number from the environment, or `fallback` when unset; a clear error when not a number. */
export function envNumber(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = env[name];
  if (!value) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`${name} must be a non-negative number (got ${value})`);
  return parsed;
}

/** Sizes of the scenarios, from the environment so CI and a laptop can choose (see docs/testing.md). */
export const E2E = {
  orders: envNumber('E2E_ORDERS', 200),
  crashOrders: envNumber('E2E_CRASH_ORDERS', 1_000),
  relayKills: envNumber('E2E_RELAY_KILLS', 5),
  faultRate: envNumber('E2E_FAULT_RATE', 0.3),
  outageMs: envNumber('E2E_OUTAGE_MS', 10_000),
  timeoutMs: envNumber('E2E_TIMEOUT_MS', 300_000),
};

/** Enough stock that no line is ever backordered: stock figures then follow from the orders alone. */
export const INITIAL_ON_HAND = 1_000_000;

export function subscriberUrls(system: RunningSystem): SubscriberUrls {
  return {
    email: system.service('email').url,
    inventory: system.service('inventory').url,
    warehouse: system.service('warehouse').url,
    billing: system.service('billing').url,
  };
}

/** Stock and prices for the catalog the workload orders from. */
export async function prepareCatalog(system: RunningSystem): Promise<void> {
  for (const { sku, unitPriceCents } of CATALOG) {
    await restock(system.service('inventory').url, sku, INITIAL_ON_HAND);
    await setPrice(system.service('billing').url, sku, unitPriceCents);
  }
}

export type ScenarioReport = {
  title: string;
  figures: Record<string, number | string>;
  inbox: InboxFigures[];
  effects: EffectFigures[];
  duplicates: Record<string, number>;
  /** Event-level detail of broken per-order order, when there is any. */
  violationDetails: string[];
};

/**
 * Waits until every subscriber's inbox holds every event it takes (or the deadline), then checks
 * their effects over HTTP, and prints the figures: events, lost, order violations, doubled effects,
 * duplicates the inboxes suppressed.
 */
export async function converge(
  system: RunningSystem,
  orders: PlacedOrder[],
  title: string,
  figures: Record<string, number | string> = {},
): Promise<ScenarioReport> {
  const audit = new InboxAudit(system.databaseUrl, system.subscriberDatabaseUrls);
  try {
    const started = Date.now();
    const inbox = await audit.waitForConvergence(E2E.timeoutMs);
    const convergedInMs = Date.now() - started;
    const effects = await checkEffects(subscriberUrls(system), orders, INITIAL_ON_HAND);
    const duplicates: Record<string, number> = {};
    for (const subscriber of DEFAULT_SUBSCRIBERS) {
      const handle = system.service(subscriber.name);
      duplicates[subscriber.name] = handle.isRunning() ? await duplicatesSuppressed(handle.url) : 0;
    }
    const violationDetails: string[] = [];
    for (const figures of inbox.filter((entry) => entry.orderViolations > 0 || entry.missing > 0)) {
      const subscriber = DEFAULT_SUBSCRIBERS.find((candidate) => candidate.name === figures.subscriber)!;
      if (figures.missing > 0) violationDetails.push(...(await audit.explainLost(subscriber)));
      if (figures.orderViolations > 0) violationDetails.push(...(await audit.explainViolations(subscriber)));
    }
    const report: ScenarioReport = {
      title,
      figures: {
        orders: orders.length,
        cancelled: orders.filter((order) => order.fate === 'cancelled').length,
        'converged after last order (s)': (convergedInMs / 1000).toFixed(1),
        ...figures,
      },
      inbox,
      effects,
      duplicates,
      violationDetails,
    };
    console.log(formatReport(report));
    return report;
  } finally {
    await audit.close();
  }
}

export function formatReport(report: ScenarioReport): string {
  const head = Object.entries(report.figures)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  const rows = report.inbox.map((inbox) => {
    const effects = report.effects.find((entry) => entry.subscriber === inbox.subscriber)!;
    return [
      inbox.subscriber.padEnd(10),
      String(inbox.expected).padStart(7),
      String(inbox.missing).padStart(5),
      String(inbox.orderViolations).padStart(17),
      String(effects.doubled).padStart(8),
      String(effects.wrong).padStart(6),
      String(report.duplicates[inbox.subscriber] ?? 0).padStart(22),
    ].join('  ');
  });
  const examples = report.effects.flatMap((entry) =>
    entry.examples.map((line) => `  ${entry.subscriber}: ${line}`),
  );
  return [
    `== ${report.title} ==`,
    head,
    'subscriber   events   lost  order violations  doubled  wrong  duplicates suppressed',
    ...rows,
    ...(examples.length ? ['problems:', ...examples] : []),
    ...(report.violationDetails.length ? ['lost and out-of-order events:', ...report.violationDetails] : []),
  ].join('\n');
}

/** The promise of the system: nothing lost, nothing doubled, per-order order kept, every effect right. */
export async function expectNothingLostOrDoubled(
  system: RunningSystem,
  report: ScenarioReport,
): Promise<void> {
  const lost = report.inbox.reduce((sum, inbox) => sum + inbox.missing, 0);
  const violations = report.inbox.reduce((sum, inbox) => sum + inbox.orderViolations, 0);
  const doubled = report.effects.reduce((sum, effects) => sum + effects.doubled, 0);
  const wrong = report.effects.reduce((sum, effects) => sum + effects.wrong, 0);
  const context =
    lost + violations + doubled + wrong === 0
      ? ''
      : `\n${formatReport(report)}\noutbox status:\n${(await outboxCli(system.env, ['status'])).stdout}\nlog: ${system.log.path}\n${system.log.tail(40)}`;
  expect({ lost, violations, doubled, wrong, context }).toEqual({
    lost: 0,
    violations: 0,
    doubled: 0,
    wrong: 0,
    context: '',
  });
  for (const inbox of report.inbox) expect(inbox.expected).toBeGreaterThan(0);
}

/** The Order API wrote exactly the events the walked orders imply, no more, no fewer. */
export function expectEventsAsPlanned(report: ScenarioReport, orders: PlacedOrder[]): void {
  for (const subscriber of DEFAULT_SUBSCRIBERS) {
    const inbox = report.inbox.find((entry) => entry.subscriber === subscriber.name)!;
    expect({ subscriber: subscriber.name, events: inbox.expected }).toEqual({
      subscriber: subscriber.name,
      events: expectedEventCount(orders, subscriber.eventTypes),
    });
  }
}

/** Awaits `work`; if it fails, the error carries the end of the services' log (who died, and why). */
export async function withSystemLog<T>(system: RunningSystem, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- services' log (${system.log.path}) ---\n${system.log.tail(40)}`, {
      cause: error,
    });
  }
}
