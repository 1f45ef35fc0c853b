import { fateOf, type Fate, type WorkloadOptions } from '../../e2e/support/workload.js';

/** Every fault the soak injects while the orders flow (the 30% warehouse 503s last the whole run). */
export type FaultKind =
  | 'relay-kill'
  | 'relay-freeze'
  | 'email-outage'
  | 'inventory-unauthorized'
  | 'idle-transaction'
  | 'postgres-restart';

/**
 * A fault starts once `afterOrders` orders have gone through their lifecycle. Faults on one lane
 * run one after the other (a lane is what they act on: a second relay kill waits for the first
 * restart; the idle transaction ends before PostgreSQL restarts, which would cut it short); lanes
 * run side by side.
 */
export type PlannedFault = { kind: FaultKind; afterOrders: number; lane: string };

/** Fixed durations: they do not shrink with the run, so every run meets the same outage. */
export const FAULT_DURATIONS_MS = {
  /** Past the relay's default lease TTL (5 s), so the other instance takes its streams over. */
  relayFreeze: 15_000,
  emailOutage: 60_000,
  inventoryUnauthorized: 20_000,
  idleTransaction: 30_000,
  postgresDown: 3_000,
};

export const RELAY_KILLS = 5;

/** The least number of orders a soak can spread its faults and refused orders over. */
export const MIN_SOAK_ORDERS = 60;

/** When each fault starts, as shares of the run: the schedule scales with the number of orders. */
const SCHEDULE: { kind: FaultKind; at: number; lane: string }[] = [
  { kind: 'email-outage', at: 0.05, lane: 'email' },
  { kind: 'idle-transaction', at: 0.1, lane: 'database' },
  { kind: 'inventory-unauthorized', at: 0.2, lane: 'inventory' },
  { kind: 'relay-freeze', at: 0.4, lane: 'relay-2' },
  { kind: 'postgres-restart', at: 0.5, lane: 'database' },
  ...Array.from({ length: RELAY_KILLS }, (_, k) => ({
    kind: 'relay-kill' as const,
    at: (k + 1) / (RELAY_KILLS + 1),
    lane: 'relay',
  })),
];

/** The soak's faults for a run of `orders` orders, in the order they start. */
export function planFaults(orders: number): PlannedFault[] {
  if (orders < MIN_SOAK_ORDERS)
    throw new RangeError(`a soak needs at least ${MIN_SOAK_ORDERS} orders (got ${orders})`);
  return SCHEDULE.map(({ kind, at, lane }) => ({
    kind,
    lane,
    afterOrders: Math.max(1, Math.ceil(orders * at)),
  })).sort((a, b) => a.afterOrders - b.afterOrders);
}

/**
 * The orders billing refuses (422) until the operator's fix: one of each fate, and a second one
 * cancelled after placing, spread over the run. Those cancelled after placing have a follower
 * (their OrderCancelled) behind the refused OrderPlaced.
 */
const REFUSED: { at: number; fate: Fate }[] = [
  { at: 0.1, fate: 'delivered' },
  { at: 0.3, fate: 'cancelled' },
  { at: 0.5, fate: 'cancelled-pending' },
  { at: 0.7, fate: 'cancelled' },
];

/** Indices of the refused orders: for each share, the first order from there on with that fate. */
export function chooseRefusedOrders(
  orders: number,
  shares: Pick<WorkloadOptions, 'cancelEvery' | 'cancelPendingEvery'>,
): number[] {
  const chosen: number[] = [];
  for (const { at, fate } of REFUSED) {
    let index = Math.floor(orders * at);
    while (index < orders && (fateOf(index, shares) !== fate || chosen.includes(index))) index++;
    if (index === orders)
      throw new RangeError(`no ${fate} order from ${Math.floor(orders * at)} on among ${orders}`);
    chosen.push(index);
  }
  return chosen;
}
