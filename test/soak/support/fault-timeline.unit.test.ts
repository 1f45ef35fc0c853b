import { describe, expect, it } from '@jest/globals';
import type { PlannedFault } from './fault-plan.js';
import { FaultTimeline } from './fault-timeline.js';

/** A fault run that waits until the test ends it, so the test decides what overlaps. */
function controllableRun() {
  const started: string[] = [];
  const enders = new Map<string, (error?: Error) => void>();
  const run = (fault: PlannedFault) =>
    new Promise<void>((resolve, reject) => {
      const name = `${fault.kind}@${fault.afterOrders}`;
      started.push(name);
      enders.set(name, (error) => (error ? reject(error) : resolve()));
    });
  const end = async (name: string, error?: Error) => {
    enders.get(name)!(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, run, end };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const plan: PlannedFault[] = [
  { kind: 'email-outage', afterOrders: 1, lane: 'email' },
  { kind: 'idle-transaction', afterOrders: 2, lane: 'database' },
  { kind: 'relay-kill', afterOrders: 2, lane: 'relay' },
  { kind: 'postgres-restart', afterOrders: 3, lane: 'database' },
  { kind: 'relay-kill', afterOrders: 4, lane: 'relay' },
];

describe('the fault timeline', () => {
  it('starts faults as orders go through, one lane after another, lanes side by side', async () => {
    const { started, run, end } = controllableRun();
    const timeline = new FaultTimeline(plan, run);

    timeline.progress(0);
    await settle();
    expect(started).toEqual([]);

    timeline.progress(3);
    await settle();
    // The PostgreSQL restart waits for the idle transaction on the same lane
    expect(started).toEqual(['email-outage@1', 'idle-transaction@2', 'relay-kill@2']);

    timeline.progress(3);
    await end('idle-transaction@2');
    expect(started).toEqual(['email-outage@1', 'idle-transaction@2', 'relay-kill@2', 'postgres-restart@3']);
  });

  it('starts the rest at the end, records failures without stopping the lane, and when each ran', async () => {
    const { started, run, end } = controllableRun();
    let clock = 1_000;
    const timeline = new FaultTimeline(plan, run, () => clock);
    timeline.progress(2);
    await settle();

    clock = 1_500;
    await end('relay-kill@2', new Error('relay did not come back'));
    const finished = timeline.finish();
    await settle();
    expect(started).toContain('relay-kill@4');
    for (const name of ['email-outage@1', 'idle-transaction@2', 'postgres-restart@3', 'relay-kill@4'])
      await end(name);
    const records = await finished;

    expect(records.find((r) => r.kind === 'relay-kill' && r.afterOrders === 2)).toMatchObject({
      startedMs: 0,
      endedMs: 500,
      error: 'relay did not come back',
    });
    expect(records.filter((r) => r.error === undefined)).toHaveLength(4);
    expect(records.every((r) => r.endedMs !== undefined)).toBe(true);
  });

  it('starts nothing more once abandoned, and waits for the faults under way', async () => {
    const { started, run, end } = controllableRun();
    const timeline = new FaultTimeline(plan, run);
    timeline.progress(2);
    await settle();

    let abandoned = false;
    const abandoning = timeline.abandon().then(() => (abandoned = true));
    timeline.progress(4);
    await end('idle-transaction@2');
    await end('relay-kill@2');
    await settle();
    expect(abandoned).toBe(false);

    await end('email-outage@1');
    await abandoning;
    expect(started).toEqual(['email-outage@1', 'idle-transaction@2', 'relay-kill@2']);
    expect(timeline.records.filter((record) => record.startedMs !== undefined)).toHaveLength(3);
  });
});
