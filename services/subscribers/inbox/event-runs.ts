import type { DeliveredEvent } from './subscriber.js';

export type EventRun = {
  [Type in DeliveredEvent['type']]: { type: Type; events: Extract<DeliveredEvent, { type: Type }>[] };
}[DeliveredEvent['type']];

/**
 * Groups a batch into runs of one event type that can each be applied as one set-based statement,
 * for services whose effects on one order never depend on another order. Order matters only per
 * order, so wave k holds the k-th event of every order in the batch; runs follow wave after wave
 * (each order's events stay in batch order), and within a wave one run per type. A batch of
 * interleaved lifecycles then costs a few statements per wave instead of one per event, and no run
 * names an order twice (one statement must not touch the same row twice).
 */
export function runsByOrderWave(events: DeliveredEvent[]): EventRun[] {
  const seenPerOrder = new Map<string, number>();
  const waves: Map<DeliveredEvent['type'], DeliveredEvent[]>[] = [];
  for (const event of events) {
    const wave = seenPerOrder.get(event.data.orderId) ?? 0;
    seenPerOrder.set(event.data.orderId, wave + 1);
    const runs = (waves[wave] ??= new Map());
    const run = runs.get(event.type);
    if (run) run.push(event);
    else runs.set(event.type, [event]);
  }
  return waves.flatMap((runs) => [...runs].map(([type, run]) => ({ type, events: run }) as EventRun));
}
