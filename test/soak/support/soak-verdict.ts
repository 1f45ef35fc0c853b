import { RELAY_KILLS } from './fault-plan.js';
import type { SoakReport } from './soak-report.js';

type Verdict = Record<string, unknown>;

/**
 * What the soak found against what must hold, as two objects with the same keys, so one failing
 * assertion shows every broken promise at once.
 */
export function soakVerdict(report: SoakReport): { found: Verdict; wanted: Verdict } {
  const subscribers = report.inbox.map((inbox) => inbox.subscriber);
  const each = (value: (subscriber: string) => unknown) =>
    Object.fromEntries(subscribers.map((name) => [name, value(name)]));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const idle = report.idleTransaction;
  const proxy = (name: string) => report.proxies[name] ?? { received: 0, failed: 0, refused: 0 };
  return {
    found: {
      lost: sum(report.inbox.map((inbox) => inbox.missing)),
      'doubled effects': sum(report.effects.map((entry) => entry.doubled)),
      'wrong effects': sum(report.effects.map((entry) => entry.wrong)),
      'order violations': each(
        (name) => report.inbox.find((inbox) => inbox.subscriber === name)!.orderViolations,
      ),
      'events in the outbox': each(
        (name) => report.inbox.find((inbox) => inbox.subscriber === name)!.expected,
      ),
      'dead letters before the replay': report.deadLettersBeforeReplay,
      'replay exit code': report.replay.code,
      'dead letters after the replay': report.deadLettersAfterReplay,
      backlog: each((name) => report.backlog[name]),
      'relay kills': report.faults.filter((fault) => fault.kind === 'relay-kill' && !fault.error).length,
      // A fault that no request met did not happen: the proxies show that each one bit
      'proxy faults met': {
        'warehouse 503': proxy('warehouse').failed > 0,
        'inventory 401': proxy('inventory').refused > 0,
        'billing 422': proxy('billing').refused > 0,
      },
      'faults that failed': report.faults
        .filter((fault) => fault.error)
        .map((fault) => `${fault.kind}: ${fault.error}`),
      'delivery went on during the idle transaction':
        idle !== undefined && (idle.behind === 0 || idle.recordedBefore > 0),
    },
    wanted: {
      lost: 0,
      'doubled effects': 0,
      'wrong effects': 0,
      'order violations': each(() => 0),
      'events in the outbox': each((name) => report.plannedEvents[name]),
      'dead letters before the replay': { billing: report.refusedOrders },
      'replay exit code': 0,
      'dead letters after the replay': {},
      backlog: each(() => 0),
      'relay kills': RELAY_KILLS,
      'proxy faults met': { 'warehouse 503': true, 'inventory 401': true, 'billing 422': true },
      'faults that failed': [],
      'delivery went on during the idle transaction': true,
    },
  };
}
