import { describe, expect, it } from '@jest/globals';
import { planFaults } from './fault-plan.js';
import type { SoakReport } from './soak-report.js';
import { formatSoakReport } from './soak-report.js';
import { soakVerdict } from './soak-verdict.js';

const subscribers = ['email', 'inventory', 'warehouse', 'billing'];

/** A run where every promise held. */
function cleanReport(): SoakReport {
  return {
    orders: { delivered: 70, cancelled: 17, 'cancelled-pending': 13 },
    plannedEvents: { email: 261, inventory: 191, warehouse: 261, billing: 187 },
    inbox: subscribers.map((subscriber) => ({
      subscriber,
      expected: { email: 261, inventory: 191, warehouse: 261, billing: 187 }[subscriber]!,
      missing: 0,
      orderViolations: 0,
    })),
    effects: subscribers.map((subscriber) => ({ subscriber, doubled: 0, wrong: 0, examples: [] })),
    duplicates: { email: 2, inventory: 0, warehouse: 5, billing: 1 },
    proxies: {
      inventory: { received: 60, failed: 0, refused: 9 },
      warehouse: { received: 90, failed: 27, refused: 0 },
      billing: { received: 50, failed: 0, refused: 12 },
    },
    refusedOrders: ['o1', 'o2', 'o3', 'o4'],
    deadLettersBeforeReplay: { billing: ['o1', 'o2', 'o3', 'o4'] },
    deadLetterCountBeforeReplay: { billing: 6 },
    heldFollowers: 2,
    expectedHeldFollowers: 2,
    replay: { code: 0, output: '' },
    deadLettersAfterReplay: {},
    backlog: { email: 0, inventory: 0, warehouse: 0, billing: 0 },
    idleTransaction: { behind: 120, recordedBefore: 80 },
    faults: planFaults(100).map((fault) => ({ ...fault, startedMs: 1_000, endedMs: 2_000 })),
    phases: [['orders', 30_000]],
    totalMs: 95_000,
    details: [],
  };
}

/** The keys on which found and wanted differ. */
function broken(report: SoakReport): string[] {
  const { found, wanted } = soakVerdict(report);
  return Object.keys(wanted).filter((key) => JSON.stringify(found[key]) !== JSON.stringify(wanted[key]));
}

describe('the soak verdict', () => {
  it.each<[string, (report: SoakReport) => void, string[]]>([
    ['every promise held', () => {}, []],
    [
      'transient failures parked events at email and warehouse',
      (report) => {
        report.deadLettersBeforeReplay = {
          ...report.deadLettersBeforeReplay,
          email: ['o9'],
          warehouse: ['o8'],
        };
        report.deadLettersAfterReplay = { email: ['o9'], warehouse: ['o8'] };
        report.inbox[0]!.missing = 1;
      },
      ['lost', 'dead letters before the replay', 'dead letters after the replay'],
    ],
    [
      'no request reached inventory during its 401 window',
      (report) => {
        report.proxies.inventory!.refused = 0;
      },
      ['proxy faults met'],
    ],
    [
      'the idle transaction in another database stalled delivery',
      (report) => {
        report.idleTransaction = { behind: 120, recordedBefore: 0 };
      },
      ['delivery went on during the idle transaction'],
    ],
    [
      'nothing was written behind the idle transaction (nothing to judge)',
      (report) => {
        report.idleTransaction = { behind: 0, recordedBefore: 0 };
      },
      [],
    ],
    [
      'a relay did not come back, the backlog is not drained, an order went out of order',
      (report) => {
        report.faults.find((fault) => fault.kind === 'relay-kill')!.error = 'relay did not become healthy';
        report.backlog.warehouse = 4;
        report.inbox[2]!.orderViolations = 1;
      },
      ['order violations', 'backlog', 'relay kills', 'faults that failed'],
    ],
  ])('%s', (_name, change, keys) => {
    const report = cleanReport();
    change(report);
    expect(broken(report)).toEqual(keys);
  });

  it('prints one pasteable line per figure', () => {
    const lines = formatSoakReport(cleanReport());
    expect(lines.every((line) => line.startsWith('soak '))).toBe(true);
    expect(lines).toContain(
      'soak orders: 100 (delivered 70, cancelled after placing 17, cancelled while pending 13)',
    );
    expect(lines).toContain('soak lost: 0 (email 0, inventory 0, warehouse 0, billing 0)');
    expect(lines).toContain('soak dead letters before the replay: billing 6 letters of 4 orders');
    expect(lines).toContain('soak held followers: 2 (expected 2)');
    expect(lines).toContain('soak relay kills: 5');
    expect(lines).toContain('soak total wall time: 95.0 s');
  });
});
