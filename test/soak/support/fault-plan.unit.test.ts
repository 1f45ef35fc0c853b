import { describe, expect, it } from '@jest/globals';
import { fateOf } from '../../e2e/support/workload.js';
import { chooseRefusedOrders, MIN_SOAK_ORDERS, planFaults, RELAY_KILLS } from './fault-plan.js';
import { SOAK_SHARES } from './soak-settings.js';

const EVERY_KIND = [
  'email-outage',
  'idle-transaction',
  'inventory-unauthorized',
  'postgres-restart',
  'relay-freeze',
  'relay-kill',
];

describe('the soak fault plan', () => {
  it.each([MIN_SOAK_ORDERS, 300, 1_500, 10_000])(
    'schedules every fault within a run of %i orders',
    (orders) => {
      const plan = planFaults(orders);

      expect([...new Set(plan.map((fault) => fault.kind))].sort()).toEqual(EVERY_KIND);
      expect(plan.filter((fault) => fault.kind === 'relay-kill')).toHaveLength(RELAY_KILLS);
      for (const fault of plan) {
        expect(fault.afterOrders).toBeGreaterThanOrEqual(1);
        expect(fault.afterOrders).toBeLessThanOrEqual(orders);
      }
      expect(plan.map((fault) => fault.afterOrders)).toEqual(
        [...plan.map((fault) => fault.afterOrders)].sort((a, b) => a - b),
      );
      // PostgreSQL restarts before the idle transaction opens (a restart would cut it short): one lane
      const database = plan.filter((fault) => fault.lane === 'database').map((fault) => fault.kind);
      expect(database).toEqual(['postgres-restart', 'idle-transaction']);
    },
  );

  it('scales with the run: the same shares of a bigger run start later', () => {
    const at = (orders: number) => planFaults(orders).map((fault) => fault.afterOrders / orders);
    const small = at(1_000);
    at(10_000).forEach((share, index) => expect(share).toBeCloseTo(small[index]!, 2));
  });

  it('refuses a run too small to spread the faults over', () => {
    expect(() => planFaults(MIN_SOAK_ORDERS - 1)).toThrow(RangeError);
  });

  it.each([MIN_SOAK_ORDERS, 300, 1_500, 10_000])(
    'chooses 4 distinct refused orders among %i: one of each fate and a second cancelled after placing',
    (orders) => {
      const chosen = chooseRefusedOrders(orders, SOAK_SHARES);

      expect(new Set(chosen).size).toBe(4);
      expect(chosen.every((index) => index >= 0 && index < orders)).toBe(true);
      expect(chosen.map((index) => fateOf(index, SOAK_SHARES))).toEqual([
        'delivered',
        'cancelled',
        'cancelled-pending',
        'cancelled',
      ]);
    },
  );

  it('says which fate it cannot find when the shares leave none', () => {
    expect(() => chooseRefusedOrders(100, { cancelEvery: 1_000 })).toThrow(/no cancelled order/);
  });
});
