import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SERVICES } from '../../services/launcher/service-list.js';
import { DEFAULT_SUBSCRIBERS } from '../../services/common/events/default-subscribers.js';
import { createDatabase, withDatabaseName } from '../../services/common/postgres/database-admin.js';
import {
  deadLetterOrders,
  deadLettersPerSubscription,
  heldFollowersIn,
} from '../e2e/support/dead-letters-json.js';
import { checkEffects } from '../e2e/support/effects-check.js';
import { InboxAudit } from '../e2e/support/inbox-audit.js';
import { duplicatesSuppressed } from '../e2e/support/metrics.js';
import { OrderClient } from '../e2e/support/order-client.js';
import { backlogIn, outboxCli } from '../e2e/support/outbox-cli.js';
import { startRestartablePostgres, type RestartablePostgres } from '../e2e/support/restartable-postgres.js';
import { INITIAL_ON_HAND, prepareCatalog, subscriberUrls, withSystemLog } from '../e2e/support/scenario.js';
import { startSystem, type RunningSystem } from '../e2e/support/system.js';
import { expectedEventCount, runOrders, type Fate, type PlacedOrder } from '../e2e/support/workload.js';
import { chooseRefusedOrders, MIN_ORDERS_SPREAD_MS, planFaults } from './support/fault-plan.js';
import { FaultTimeline } from './support/fault-timeline.js';
import { settle } from './support/settle.js';
import { SECOND_RELAY, soakFaults, type FaultEvidence } from './support/soak-faults.js';
import { formatSoakReport, type SoakReport } from './support/soak-report.js';
import { SOAK_SHARES, soakSettings, WAREHOUSE_FAILURE_RATE } from './support/soak-settings.js';
import { soakVerdict } from './support/soak-verdict.js';
import { SystemProbe, totalBacklog } from './support/system-probe.js';

// Every fault at once, on the relay's DEFAULT settings: see docs/testing.md, "The soak".
const SETTINGS = soakSettings();
const NEIGHBOUR_DATABASE = 'soak_neighbour';
const began = Date.now();
const phases: [string, number][] = [];

/** Runs `work` as the named phase and records how long it took (and how a wait ended). */
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let outcome = '';
  try {
    const result = await work();
    if (result && typeof result === 'object' && 'outcome' in result) outcome = ` (${String(result.outcome)})`;
    return result;
  } finally {
    phases.push([`${name}${outcome}`, Date.now() - started]);
  }
}

let postgres: RestartablePostgres;
let system: RunningSystem;

beforeAll(async () => {
  await phase('system up', async () => {
    // A PostgreSQL of its own: the soak restarts it, and opens a session in another of its databases
    postgres = await startRestartablePostgres();
    await createDatabase(postgres.adminUrl, NEIGHBOUR_DATABASE);
    const relay = SERVICES.find((entry) => entry.name === 'relay')!;
    system = await startSystem({
      name: 'soak',
      databaseUrl: postgres.databaseUrl,
      services: [...SERVICES, { ...relay, name: SECOND_RELAY }],
      fastRelayPoll: false,
      faults: {
        warehouse: { failureRate: WAREHOUSE_FAILURE_RATE, seed: SETTINGS.seed },
        inventory: {},
        billing: {},
      },
    });
    await prepareCatalog(system);
  });
}, 600_000);

afterAll(async () => {
  await system?.stop();
  await postgres?.stop();
});

describe('the soak', () => {
  it(
    `keeps its promises through every fault at once over ${SETTINGS.orders} orders, on the relay's default settings`,
    async () => {
      // The relay runs on its defaults: no variable of its own but its admin port
      const relayOverrides = Object.keys(system.env).filter(
        (name) => name.startsWith('RELAY_') && name !== 'RELAY_ADMIN_PORT',
      );
      expect(relayOverrides).toEqual([]);

      // Given billing refusing (422) every request carrying one of a few chosen orders
      const refusedIndices = new Set(chooseRefusedOrders(SETTINGS.orders, SOAK_SHARES));
      const refused: { id: string; fate: Fate }[] = [];
      const billingProxy = system.proxies.billing!;
      billingProxy.refuseWhen((body) => refused.some((order) => body.includes(order.id)));

      // When the orders flow while the faults start as the run goes on
      const evidence: FaultEvidence = { duplicatesBeforeRestart: {} };
      const neighbourUrl = withDatabaseName(postgres.adminUrl, NEIGHBOUR_DATABASE);
      const timeline = new FaultTimeline(
        planFaults(SETTINGS.orders),
        soakFaults({ system, postgres, neighbourUrl }, evidence),
      );
      const client = new OrderClient(system.service('order-api').url);
      let reported = 0;
      const orders = await phase('orders, faults running', () =>
        withTimeline(
          timeline,
          withSystemLog(
            system,
            runOrders(client, {
              orders: SETTINGS.orders,
              ...SOAK_SHARES,
              concurrency: 8,
              spreadOverMs: MIN_ORDERS_SPREAD_MS,
              onOrderCreated: ({ index, id, fate }) => {
                if (refusedIndices.has(index)) refused.push({ id, fate });
              },
              onOrderDone: (done) => {
                timeline.progress(done);
                if (done >= reported + SETTINGS.orders / 10) {
                  reported = done;
                  system.log.note(`soak: ${done} orders done`);
                }
              },
            }),
          ),
        ),
      );
      const faults = await phase('faults still running after the last order', () => timeline.finish());

      const audit = new InboxAudit(system.databaseUrl, system.subscriberDatabaseUrls);
      const probe = new SystemProbe(system.databaseUrl, audit);
      try {
        // Then every stream catches up: the refused events are parked (their followers held)
        await phase('streams caught up, refused events parked', () =>
          settle(() => probe.read(), {
            done: (figures) => totalBacklog(figures) === 0,
            idle: () => false,
            quietMs: 0,
            timeoutMs: SETTINGS.timeoutMs,
          }),
        );
        const before = await outboxCli(system.env, ['dead-letters', '--json']);

        // When the operator fixes billing and replays its dead letters
        billingProxy.clearRefusals();
        const replay = await outboxCli(system.env, ['replay', '--subscription', 'billing', '--all']);
        await phase('replay until converged', () =>
          settle(() => probe.read(), {
            done: (figures) =>
              figures.missing === 0 && totalBacklog(figures) === 0 && figures.replaysPending === 0,
            idle: (figures) => totalBacklog(figures) === 0 && figures.replaysPending === 0,
            quietMs: 15_000,
            timeoutMs: SETTINGS.timeoutMs,
          }),
        );

        // Then nothing is lost, doubled or out of order, and only the refused orders were dead letters
        const report = await phase('figures and effects checked', () =>
          gatherReport({ orders, refused, faults, evidence, audit, before: before.stdout, replay }),
        );
        report.phases = phases;
        report.totalMs = Date.now() - began;
        const lines = formatSoakReport(report);
        process.stdout.write(
          `\n== soak: every fault at once, default relay settings ==\n${lines.join('\n')}\n`,
        );
        system.log.write(`${lines.join('\n')}\n`);

        const { found, wanted } = soakVerdict(report);
        expect({ ...found, log: system.log.path }).toEqual({ ...wanted, log: system.log.path });
      } finally {
        await probe.close();
        await audit.close();
      }
    },
    6 * 60 * 60_000,
  );
});

/** If `work` fails, no fault starts any more and those under way end before the error goes on. */
async function withTimeline<T>(timeline: FaultTimeline, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    await timeline.abandon();
    throw error;
  }
}

type Gathered = {
  orders: PlacedOrder[];
  refused: { id: string; fate: Fate }[];
  faults: SoakReport['faults'];
  evidence: FaultEvidence;
  audit: InboxAudit;
  /** `outbox dead-letters --json` once every stream had caught up, before the replay. */
  before: string;
  replay: { code: number; stdout: string; stderr: string };
};

/** Every figure of the run, read from PostgreSQL, the subscribers, the proxies and the CLI. */
async function gatherReport(run: Gathered): Promise<SoakReport> {
  const { orders, audit, evidence } = run;
  const inbox = await audit.figures();
  const effects = await checkEffects(subscriberUrls(system), orders, INITIAL_ON_HAND);
  const status = await outboxCli(system.env, ['status', '--json']);
  const after = await outboxCli(system.env, ['dead-letters', '--json']);
  const duplicates: Record<string, number> = {};
  const details: string[] = [];
  for (const subscriber of DEFAULT_SUBSCRIBERS) {
    const handle = system.service(subscriber.name);
    duplicates[subscriber.name] =
      (evidence.duplicatesBeforeRestart[subscriber.name] ?? 0) +
      (handle.isRunning() ? await duplicatesSuppressed(handle.url) : 0);
    const figures = inbox.find((entry) => entry.subscriber === subscriber.name)!;
    if (figures.missing > 0) details.push(...(await audit.explainLost(subscriber)));
    if (figures.orderViolations > 0) details.push(...(await audit.explainViolations(subscriber)));
  }
  for (const entry of effects) details.push(...entry.examples.map((line) => `${entry.subscriber}: ${line}`));
  if (status.code !== 0) details.push(`outbox status --json exited ${status.code}: ${status.stderr}`);
  if (after.code !== 0) details.push(`outbox dead-letters --json exited ${after.code}: ${after.stderr}`);

  const idle = evidence.idleTransaction;
  const behind = idle ? await audit.recordedBehind(idle.xid, idle.endedAt) : undefined;
  const count = (fate: Fate) => orders.filter((order) => order.fate === fate).length;
  return {
    orders: {
      delivered: count('delivered'),
      cancelled: count('cancelled'),
      'cancelled-pending': count('cancelled-pending'),
    },
    plannedEvents: Object.fromEntries(
      DEFAULT_SUBSCRIBERS.map((subscriber) => [
        subscriber.name,
        expectedEventCount(orders, subscriber.eventTypes),
      ]),
    ),
    inbox,
    effects,
    duplicates,
    proxies: Object.fromEntries(
      Object.entries(system.proxies).map(([name, proxy]) => [
        name,
        { received: proxy.counts.received, failed: proxy.counts.failed, refused: proxy.counts.refused },
      ]),
    ),
    refusedOrders: run.refused.map((order) => order.id).sort(),
    deadLettersBeforeReplay: readOrEmpty(run.before, deadLetterOrders, details),
    deadLetterCountBeforeReplay: readOrEmpty(run.before, deadLettersPerSubscription, details),
    heldFollowers: readOrEmpty(run.before, heldFollowersIn, details),
    expectedHeldFollowers: run.refused.filter((order) => order.fate === 'cancelled').length,
    replay: { code: run.replay.code, output: `${run.replay.stdout}${run.replay.stderr}` },
    deadLettersAfterReplay: readOrEmpty(after.stdout, deadLetterOrders, details),
    backlog: Object.fromEntries(
      DEFAULT_SUBSCRIBERS.map((subscriber) => [
        subscriber.name,
        backlogIn(status.stdout || '[]', subscriber.name),
      ]),
    ),
    idleTransaction: behind && {
      behind: behind.reduce((sum, entry) => sum + entry.behind, 0),
      recordedBefore: behind.reduce((sum, entry) => sum + entry.recordedBefore, 0),
    },
    faults: run.faults,
    phases: [],
    totalMs: 0,
    details,
  };
}

/** Parses CLI output; output that does not parse is reported as a detail, the figure left empty. */
function readOrEmpty<T>(json: string, read: (json: string) => T, details: string[]): T {
  try {
    return read(json);
  } catch (error) {
    details.push(`could not read ${JSON.stringify(json.slice(0, 200))}: ${String(error)}`);
    return read('[]');
  }
}
