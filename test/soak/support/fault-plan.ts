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
 * restart; the idle transaction opens only once PostgreSQL has restarted, as a restart would cut
 * it short); lanes run side by side.
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
  /** A restarted relay works this long (a lease TTL) before the next kill. */
  relayRunsBetweenKills: 5_000,
};

export const RELAY_KILLS = 5;

/** The least number of orders a soak can spread its faults and refused orders over. */
export const MIN_SOAK_ORDERS = 60;

/**
 * When each fault starts, as shares of the run: the schedule scales with the number of orders.
 * The idle transaction comes late, after the 401 window and the relay freeze, so that a relay
 * whose fence it holds back cannot hide whether those faults were met.
 */
const SCHEDULE: { kind: FaultKind; at: number; lane: string }[] = [
  { kind: 'email-outage', at: 0.05, lane: 'email' },
  { kind: 'inventory-unauthorized', at: 0.25, lane: 'inventory' },
  { kind: 'postgres-restart', at: 0.35, lane: 'database' },
  { kind: 'relay-freeze', at: 0.45, lane: 'relay-2' },
  { kind: 'idle-transaction', at: 0.6, lane: 'database' },
  ...Array.from({ length: RELAY_KILLS }, (_, k) => ({
    kind: 'relay-kill' as const,
    at: (k + 1) / (RELAY_KILLS + 1),
    lane: 'relay',
  })),
];

/**
 * The orders start no faster than evenly over this long, so that orders flow through every
 * fixed-length fault even in a small run (a big run takes longer than this anyway).
 */
export const MIN_ORDERS_SPREAD_MS = 120_000;

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
 * cancelled after placing, in the first third of the run (each refused event holds billing's stream
 * for up to a minute of retries before it is parked, one after the other). Those cancelled after
 * placing have a follower (their OrderCancelled) behind the refused OrderPlaced.
 */
const REFUSED: { at: number; fate: Fate }[] = [
  { at: 0.05, fate: 'delivered' },
  { at: 0.15, fate: 'cancelled' },
  { at: 0.25, fate: 'cancelled-pending' },
  { at: 0.35, fate: 'cancelled' },
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
