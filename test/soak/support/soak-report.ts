import type { EffectFigures } from '../../e2e/support/effects-check.js';
import type { InboxFigures } from '../../e2e/support/inbox-audit.js';
import type { Fate } from '../../e2e/support/workload.js';
import type { FaultRecord } from './fault-timeline.js';

/** Everything the soak measured, for the summary and the verdict. */
export type SoakReport = {
  orders: Record<Fate, number>;
  /** Per subscriber: the events the walked orders imply for it. */
  plannedEvents: Record<string, number>;
  inbox: InboxFigures[];
  effects: EffectFigures[];
  duplicates: Record<string, number>;
  /** Per proxied subscriber: requests received, and those the proxy failed or refused. */
  proxies: Record<string, { received: number; failed: number; refused: number }>;
  /** Ids of the orders billing refused until the operator's fix, sorted. */
  refusedOrders: string[];
  /** Per subscription, the orders of its dead letters once every stream had caught up, before the replay. */
  deadLettersBeforeReplay: Record<string, string[]>;
  /** Per subscription, how many dead letters it had then. */
  deadLetterCountBeforeReplay: Record<string, number>;
  heldFollowers: number;
  /** Refused orders with a follower in billing's stream (cancelled after placing). */
  expectedHeldFollowers: number;
  replay: { code: number; output: string };
  deadLettersAfterReplay: Record<string, string[]>;
  /** Per subscription, from outbox status --json at the end. */
  backlog: Record<string, number | undefined>;
  /** Events written behind the idle transaction, and those delivered while it was still open. */
  idleTransaction: { behind: number; recordedBefore: number } | undefined;
  faults: FaultRecord[];
  /** How long each phase took, in order. */
  phases: [string, number][];
  totalMs: number;
  /** Lost and out-of-order events, event by event, when there are any. */
  details: string[];
};

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

function perSubscriber(values: Record<string, number | undefined>): string {
  const entries = Object.entries(values);
  const total = entries.reduce((sum, [, value]) => sum + (value ?? 0), 0);
  return `${total} (${entries.map(([name, value]) => `${name} ${value ?? '?'}`).join(', ')})`;
}

function ordersOf(letters: Record<string, string[]>, counts?: Record<string, number>): string {
  const entries = Object.entries(letters);
  if (entries.length === 0) return 'none';
  const lettersOf = (name: string) => (counts?.[name] === undefined ? '' : `${counts[name]} letters of `);
  return entries.map(([name, orders]) => `${name} ${lettersOf(name)}${orders.length} orders`).join(', ');
}

/** One line per figure, each starting with "soak", so a person can paste them into the docs. */
export function formatSoakReport(report: SoakReport): string[] {
  const of = (pick: (inbox: InboxFigures) => number) =>
    Object.fromEntries(report.inbox.map((inbox) => [inbox.subscriber, pick(inbox)]));
  const effects = (pick: (effects: EffectFigures) => number) =>
    Object.fromEntries(report.effects.map((entry) => [entry.subscriber, pick(entry)]));
  const total = Object.values(report.orders).reduce((sum, count) => sum + count, 0);
  const faults = report.faults.filter((fault) => fault.kind === 'relay-kill' && !fault.error);
  const idle = report.idleTransaction;
  const lines = [
    `orders: ${total} (delivered ${report.orders.delivered}, cancelled after placing ${report.orders.cancelled}, cancelled while pending ${report.orders['cancelled-pending']})`,
    `events per subscriber: ${perSubscriber(of((inbox) => inbox.expected))}`,
    `deliveries recorded: ${perSubscriber(of((inbox) => inbox.expected - inbox.missing))}`,
    `lost: ${perSubscriber(of((inbox) => inbox.missing))}`,
    `order violations: ${perSubscriber(of((inbox) => inbox.orderViolations))}`,
    `doubled effects: ${perSubscriber(effects((entry) => entry.doubled))}`,
    `wrong effects: ${perSubscriber(effects((entry) => entry.wrong))}`,
    `duplicates suppressed: ${perSubscriber(report.duplicates)}`,
    `requests through the fault proxies: ${Object.entries(report.proxies)
      .map(
        ([name, counts]) => `${name} ${counts.received} (failed ${counts.failed}, refused ${counts.refused})`,
      )
      .join(', ')}`,
    `refused orders (billing, 422 until the fix): ${report.refusedOrders.length}`,
    `dead letters before the replay: ${ordersOf(report.deadLettersBeforeReplay, report.deadLetterCountBeforeReplay)}`,
    `held followers: ${report.heldFollowers} (expected ${report.expectedHeldFollowers})`,
    `replay: outbox replay --subscription billing --all exited ${report.replay.code}`,
    `dead letters after the replay: ${ordersOf(report.deadLettersAfterReplay)}`,
    `backlog: ${perSubscriber(report.backlog)}`,
    `delivered while the idle transaction was open: ${idle ? `${idle.recordedBefore} of ${idle.behind} events written behind it` : 'it never ran'}`,
    `relay kills: ${faults.length}`,
    ...report.faults.map(
      (fault) =>
        `fault ${fault.kind} after ${fault.afterOrders} orders: ${seconds(fault.startedMs)} to ${seconds(fault.endedMs)}${fault.error ? `, failed: ${fault.error}` : ''}`,
    ),
    ...report.phases.map(([phase, ms]) => `phase ${phase}: ${seconds(ms)}`),
    `total wall time: ${seconds(report.totalMs)}`,
  ];
  return [...lines.map((line) => `soak ${line}`), ...report.details.map((line) => `soak detail ${line}`)];
}
